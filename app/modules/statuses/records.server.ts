// Statuses with evidence (身份类别): officers in scope record a dated status with its source, and end
// it (history is kept: the database refuses a delete). A status counts on the days from validFrom to
// validUntil inclusive; `eligibilityFactsOn` is what subsidy eligibility reads for a given day.
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { addDays, dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { elderScope, isRegistrar } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { EndStatusInput, RecordStatusInput } from './schemas.ts'

/** How far ahead a status may start (a decision already taken for next year). */
const MAX_DAYS_AHEAD = 366

/** The elder, if the officer may record statuses of them (registrars, in their scope). */
async function elderForOfficer(user: SessionUser, elderId: string) {
	if (!isRegistrar(user)) return null
	return prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, districtId: true, birthDate: true, deathDate: true } })
}

export async function recordStatus(user: SessionUser, elderId: string, input: RecordStatusInput, ip: string | null, today = shanghaiDate()): Promise<Outcome<{ id: string }>> {
	if (!isRegistrar(user)) return fail('statuses:errors.officersOnly', 403)
	const elder = await elderForOfficer(user, elderId)
	if (!elder) return fail('statuses:errors.elderOutOfScope', 404)
	if (input.validFrom < toDateString(elder.birthDate)) return fieldFail('validFrom', 'statuses:errors.validFrom.beforeBirth')
	if (input.validFrom > addDays(today, MAX_DAYS_AHEAD)) return fieldFail('validFrom', 'statuses:errors.validFrom.tooFarAhead')
	if (elder.deathDate && input.validFrom > toDateString(elder.deathDate)) return fieldFail('validFrom', 'statuses:errors.validFrom.afterDeath')
	try {
		const created = await transaction(async (tx) => {
			const row = await tx.elderStatus.create({
				data: {
					elderId: elder.id,
					kind: input.kind,
					validFrom: dateOnly(input.validFrom),
					validUntil: input.validUntil ? dateOnly(input.validUntil) : null,
					reviewOn: input.reviewOn ? dateOnly(input.reviewOn) : null,
					source: input.source,
					disabilityGrade: input.disabilityGrade,
					supportMode: input.supportMode,
					note: input.note,
					recordedById: user.id,
				},
				select: { id: true },
			})
			await audit({ actor: user, action: 'status.record', entityType: 'elder_status', entityId: row.id, districtId: elder.districtId, ip, details: { elderId: elder.id, ...input } }, tx)
			return row
		})
		return ok(created)
	} catch (error) {
		return failureOf(error)
	}
}

/** Ends a status on a day (its last day in force): never before it started, never later than it already ends. */
export async function endStatus(user: SessionUser, elderId: string, input: EndStatusInput, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (!isRegistrar(user)) return fail('statuses:errors.officersOnly', 403)
	const elder = await elderForOfficer(user, elderId)
	if (!elder) return fail('statuses:errors.elderOutOfScope', 404)
	return transactionOutcome(async (tx) => {
		const status = await sql`SELECT id, kind, "validFrom", "validUntil", "endedAt" FROM elder_status WHERE id = ${input.statusId}::uuid AND "elderId" = ${elder.id}::uuid FOR UPDATE`.first<{ id: string; kind: string; validFrom: string; validUntil: string | null; endedAt: Date | null }>(tx)
		if (!status) return fieldFail('statusId', 'statuses:errors.status.unknown', 404)
		if (status.endedAt) return fieldFail('statusId', 'statuses:errors.status.alreadyEnded', 409)
		if (input.endOn < status.validFrom) return fieldFail('endOn', 'statuses:errors.endOn.beforeFrom')
		if (status.validUntil && input.endOn > status.validUntil) return fieldFail('endOn', 'statuses:errors.endOn.afterUntil')
		await tx.elderStatus.update({ where: { id: status.id }, data: { validUntil: dateOnly(input.endOn), endedAt: new Date(), endedById: user.id, endReason: input.reason } })
		await audit({ actor: user, action: 'status.end', entityType: 'elder_status', entityId: status.id, districtId: elder.districtId, ip, details: { elderId: elder.id, kind: status.kind, before: { validUntil: status.validUntil }, after: { validUntil: input.endOn }, reason: input.reason } }, tx)
		return ok({ id: status.id })
	})
}

export type StatusRow = {
	id: string
	kind: string
	validFrom: string
	validUntil: string | null
	reviewOn: string | null
	source: string | null
	disabilityGrade: number | null
	supportMode: string | null
	note: string | null
	recordedAt: Date
	recordedBy: string | null
	endedAt: Date | null
	endedBy: string | null
	endReason: string | null
	inForce: boolean
}

/** Every status of an elder, newest first. Families see kinds and dates; the evidence and who recorded it are for officers. */
export async function statusesOf(viewer: SessionUser, elderId: string, today = shanghaiDate()): Promise<StatusRow[]> {
	const officer = viewer.role !== 'family'
	const rows = await sql`
		SELECT s.id, s.kind, s."validFrom", s."validUntil", s."reviewOn", s.source, s."disabilityGrade", s."supportMode", s.note, s."recordedAt",
		       r.name AS "recordedBy", s."endedAt", x.name AS "endedBy", s."endReason"
		FROM elder_status s LEFT JOIN app_user r ON r.id = s."recordedById" LEFT JOIN app_user x ON x.id = s."endedById"
		WHERE s."elderId" = ${elderId}::uuid ORDER BY s."validFrom" DESC, s."recordedAt" DESC`.rows<Omit<StatusRow, 'inForce'>>()
	return rows.map((r) => ({
		...r,
		source: officer ? r.source : null,
		recordedBy: officer ? r.recordedBy : null,
		endedBy: officer ? r.endedBy : null,
		endReason: officer ? r.endReason : null,
		inForce: r.validFrom <= today && (r.validUntil === null || r.validUntil >= today),
	}))
}

export type EligibilityFacts = { categories: string[]; disabilityLevel: 'none' | 'partial' | 'full' }

/**
 * What subsidy eligibility reads on a day: the policy categories the statuses in force meet, and
 * the DisabilityLevel of the assessed level in force (SQL functions elder_categories_on and
 * elder_disability_on, which the monthly grant run uses too).
 */
export async function eligibilityFactsOn(elderId: string, day: string, tx?: Tx): Promise<EligibilityFacts> {
	const row = await sql`SELECT elder_categories_on(${elderId}::uuid, ${day}::date) AS categories, elder_disability_on(${elderId}::uuid, ${day}::date) AS "disabilityLevel"`.first<EligibilityFacts>(tx)
	return row ?? { categories: [], disabilityLevel: 'none' }
}
