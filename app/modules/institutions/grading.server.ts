// Grading (等级评定, issue 14 item 6): a district or city officer fills the bureau's checklist
// (facilities, staffing, care, safety, management) of the criteria version in force on the
// assessment date; the score gives the grade (gradeForScore) and the validity follows from the
// version. A second officer (city, not the assessor: twoPersonRefusal, and CHECK
// provider_grading_two_people) approves it, and only then is it the provider's current grade:
// provider.grade / gradedAt / gradedById, which the operating subsidy and the public page read.
import { prisma } from '~/lib/db.server.ts'
import { transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import { gradeForScore, scoreChecklist, validUntil, versionOn, type GradingCriteria } from './rules.ts'
import { listCriteria } from './settings.server.ts'

const mayAssess = (user: SessionUser, districtId: string) => (user.role === 'bureau_district' || user.role === 'bureau_city') && canActInDistrict(user, districtId)

/** The criteria version in force on `date`. */
export async function criteriaOn(date: string): Promise<GradingCriteria | null> {
	return versionOn(await listCriteria(), date)
}

/**
 * Records a grading from a filled checklist: every item scored within its points, or nothing is
 * written (400). The grade and validity are computed here, never taken from the form.
 */
export async function submitGrading(assessor: SessionUser, input: { providerId: string; assessedOn: string; note?: string; scores: Record<string, number | undefined> }, ip: string | null) {
	const provider = await prisma.provider.findUnique({ where: { id: input.providerId }, select: { id: true, districtId: true, status: true } })
	if (!provider || !mayAssess(assessor, provider.districtId)) return fail('beds:grading.errors.notInScope', 403)
	if (provider.status !== 'approved') return fail('marketplace:errors.provider.notApproved', 409)
	const criteria = await criteriaOn(input.assessedOn)
	if (!criteria) return fieldFail('assessedOn', 'beds:grading.errors.noCriteria')
	const checked = scoreChecklist(criteria.items, input.scores)
	if (!checked.ok) return { ok: false as const, status: 400, formError: 'beds:grading.errors.checklist', fieldErrors: Object.fromEntries(checked.problems.map((k) => [`score_${k}`, ['beds:grading.errors.itemRequired']])) }
	const grade = gradeForScore(checked.score, criteria.thresholds)
	const until = validUntil(input.assessedOn, criteria.validityMonths)
	const scores = Object.fromEntries(criteria.items.map((i) => [i.key, input.scores[i.key]!]))
	return transactionOutcome(async (tx) => {
		const row = await sql`INSERT INTO provider_grading ("providerId", "criteriaId", scores, score, grade, "assessedOn", "validUntil", "assessorId", note)
			VALUES (${provider.id}::uuid, ${criteria.id}::uuid, ${JSON.stringify(scores)}::jsonb, ${checked.score}, ${grade}, ${input.assessedOn}::date, ${until}::date, ${assessor.id}::uuid, ${input.note || null}) RETURNING id`.first<{ id: string }>(tx)
		await audit({ actor: assessor, action: 'grading.submit', entityType: 'provider_grading', entityId: row!.id, districtId: provider.districtId, details: { providerId: provider.id, score: checked.score, grade, assessedOn: input.assessedOn, validUntil: until }, ip }, tx)
		return ok({ id: row!.id, score: checked.score, grade, validUntil: until })
	})
}

/** A city officer other than the assessor approves (the grade becomes current) or rejects a grading. */
export async function decideGrading(officer: SessionUser, input: { gradingId: string; decision: 'approve' | 'reject'; note?: string }, ip: string | null): Promise<Outcome<null>> {
	const g = await prisma.providerGrading.findUnique({ where: { id: input.gradingId }, select: { id: true, providerId: true, assessorId: true, grade: true, assessedOn: true, provider: { select: { districtId: true, grade: true } } } })
	if (!g) return fail('beds:grading.errors.unknown', 404)
	if (officer.role !== 'bureau_city') return fail('beds:grading.errors.cityOnly', 403)
	const twoPerson = await twoPersonRefusal(officer, [g.assessorId])
	if (twoPerson) return twoPerson
	return transactionOutcome(async (tx) => {
		const approve = input.decision === 'approve'
		const n = await sql`UPDATE provider_grading SET status = ${approve ? 'approved' : 'rejected'}::"GradingStatus", "decidedById" = ${officer.id}::uuid, "decidedAt" = now(), "decisionNote" = ${input.note || null}
			WHERE id = ${g.id}::uuid AND status = 'submitted'`.run(tx)
		if (!n) return fail('beds:grading.errors.alreadyDecided', 409)
		const on = g.assessedOn.toISOString().slice(0, 10)
		// A grading approved late never replaces a later assessment already in force.
		const newer = approve && (await sql`SELECT 1 FROM provider_grading WHERE "providerId" = ${g.providerId}::uuid AND status = 'approved' AND id <> ${g.id}::uuid AND "assessedOn" > ${on}::date LIMIT 1`.first(tx))
		if (approve && !newer) {
			await tx.provider.update({ where: { id: g.providerId }, data: { grade: g.grade, gradedAt: dateOnly(on), gradedById: g.assessorId }, select: { id: true } })
			if (g.grade) await notify(tx, { providerId: g.providerId }, 'provider.graded', { params: { grade: g.grade }, dedupe: `${g.providerId}:${g.id}` })
		}
		await audit({ actor: officer, action: `grading.${input.decision}`, entityType: 'provider_grading', entityId: g.id, districtId: g.provider.districtId, details: { providerId: g.providerId, from: g.provider.grade, to: g.grade, note: input.note ?? '' }, ip }, tx)
		return ok(null)
	})
}

/** Gradings submitted by the districts, waiting for a city officer's decision (/bureau/grading lists them). */
export async function countGradingsToDecide(user: SessionUser) {
	if (user.role !== 'bureau_city') return 0
	const row = await sql`SELECT count(*)::int AS n FROM provider_grading g WHERE g.status = 'submitted'`.first<{ n: number }>()
	return row?.n ?? 0
}

/** The grading page: approved providers in scope (institutions first) with their current grade, gradings waiting, recent decisions. */
export async function gradingOverview(user: SessionUser) {
	const scope = isCityWide(user) ? sql`TRUE` : sql`p."districtId" = ${user.districtId ?? ''}`
	const [providers, pending, recent] = await Promise.all([
		sql`SELECT p.id, p.name, p.kind::text AS kind, p."districtId", p.grade, g."validUntil"
			FROM provider p LEFT JOIN LATERAL (SELECT "validUntil" FROM provider_grading WHERE "providerId" = p.id AND status = 'approved' ORDER BY "assessedOn" DESC, "decidedAt" DESC LIMIT 1) g ON TRUE
			WHERE p.status = 'approved' AND ${scope} ORDER BY (p.kind = 'institution') DESC, p.name LIMIT 300`.rows<{ id: string; name: string; kind: string; districtId: string; grade: number | null; validUntil: string | null }>(),
		gradingsWhere(sql`g.status = 'submitted' AND ${scope}`),
		gradingsWhere(sql`g.status <> 'submitted' AND ${scope}`),
	])
	return { providers, pending, recent }
}

function gradingsWhere(where: ReturnType<typeof sql>) {
	return sql`SELECT g.id, g."providerId", p.name AS "providerName", g.score, g.grade, g."assessedOn", g."validUntil", g.status::text AS status, g.note, g."decisionNote",
			g.scores, c.items, a.name AS assessor, g."assessorId", d.name AS "decidedBy"
		FROM provider_grading g JOIN provider p ON p.id = g."providerId" JOIN grading_criteria c ON c.id = g."criteriaId"
		LEFT JOIN app_user a ON a.id = g."assessorId" LEFT JOIN app_user d ON d.id = g."decidedById"
		WHERE ${where} ORDER BY g."createdAt" DESC LIMIT 50`.rows<{
		id: string
		providerId: string
		providerName: string
		score: number
		grade: number | null
		assessedOn: string
		validUntil: string
		status: string
		note: string | null
		decisionNote: string | null
		scores: Record<string, number>
		items: GradingCriteria['items']
		assessor: string | null
		assessorId: string
		decidedBy: string | null
	}>()
}

/** The grade in force for families and the operating subsidy: the approved grading behind provider.grade, with its validity. */
export async function currentGrading(providerId: string, today = shanghaiDate()) {
	const row = await sql`SELECT g.grade, g.score, g."assessedOn", g."validUntil" FROM provider_grading g
		WHERE g."providerId" = ${providerId}::uuid AND g.status = 'approved' ORDER BY g."assessedOn" DESC, g."decidedAt" DESC LIMIT 1`.first<{ grade: number | null; score: number; assessedOn: string; validUntil: string }>()
	return row ? { ...row, expired: row.validUntil < today } : null
}
