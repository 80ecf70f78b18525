import { prisma, transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { PLAN_INDICATORS, type PlanIndicator, type PlanTargets } from './indicators.ts'

// Plan periods and their targets (migration *_plan_periods). The 13th Five-Year Plan is the
// baseline and read-only; city officers enter the targets of later periods.

export type PlanPeriod = { id: string; nameZh: string; nameEn: string; startYear: number; endYear: number; baseline: boolean; targets: PlanTargets }

/** Every period with its targets as JSON, oldest first (the bed dashboard composes it into its one statement per view). */
export const PLAN_PERIODS_QUERY = sql`SELECT p.id, p."nameZh", p."nameEn", p."startYear", p."endYear", p.baseline,
		COALESCE((SELECT json_agg(json_build_object('indicator', t.indicator, 'target', t.target)) FROM plan_target t WHERE t."periodId" = p.id), '[]'::json) AS targets
	FROM plan_period p ORDER BY p."startYear", p.id`

export type PlanPeriodRow = Omit<PlanPeriod, 'targets'> & { targets: { indicator: string; target: number }[] }

export function planPeriodsOf(rows: PlanPeriodRow[]): PlanPeriod[] {
	return rows.map(({ targets, ...p }) => ({ ...p, targets: Object.fromEntries(PLAN_INDICATORS.map((k) => [k, targets.find((t) => t.indicator === k)?.target ?? null])) as PlanTargets }))
}

/** Every period with its targets, oldest first. */
export async function listPlanPeriods(): Promise<PlanPeriod[]> {
	return planPeriodsOf(await sql`${PLAN_PERIODS_QUERY}`.prepared().rows<PlanPeriodRow>())
}

/** The chosen period if it exists, else the one covering `year`, else the latest. */
export function choosePeriod(periods: PlanPeriod[], requested: string | null | undefined, year: number): PlanPeriod | null {
	return periods.find((p) => p.id === requested) ?? periods.find((p) => p.startYear <= year && year <= p.endYear) ?? periods.at(-1) ?? null
}

/** A city officer sets a non-baseline period's targets; audited with before and after. */
export async function savePlanTargets(user: SessionUser, periodId: string, targets: Record<PlanIndicator, number>, ip: string | null): Promise<Outcome<null>> {
	if (!isCityWide(user)) return fieldFail('periodId', 'beds:errors.plan.cityOnly', 403)
	const period = await prisma.planPeriod.findUnique({ where: { id: periodId }, select: { baseline: true, targets: { select: { indicator: true, target: true } } } })
	if (!period) return fieldFail('periodId', 'beds:errors.plan.unknownPeriod', 404)
	if (period.baseline) return fieldFail('periodId', 'beds:errors.plan.baselineReadOnly', 409)
	const before = Object.fromEntries(period.targets.map((t) => [t.indicator, t.target]))
	await transaction(async (tx) => {
		for (const indicator of PLAN_INDICATORS) {
			await tx.planTarget.upsert({
				where: { periodId_indicator: { periodId, indicator } },
				create: { periodId, indicator, target: targets[indicator], updatedById: user.id },
				update: { target: targets[indicator], updatedById: user.id, updatedAt: new Date() },
			})
		}
		await audit({ actor: user, action: 'plan.targets_save', entityType: 'plan_period', entityId: periodId, details: { before, after: targets }, ip }, tx)
	})
	return ok(null)
}
