// Capability assessments (老年人能力评估): an assessor of a registered organisation (in the districts it
// covers), or a community officer of a community the bureau allows, records an assessment of the
// standard's 26 items; the level comes from `scoreAssessment` under the scoring table in force.
// Assessments are dated with a validity (default 12 months) and kept; the level in force on a day is
// the latest valid one (SQL elder_disability_on maps it for subsidy eligibility). A family, or the
// institution where the elder lives, may ask for a re-assessment (one open request per elder).
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, transactionOutcome } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type FieldErrors, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import type { AssessmentFormInput } from '~/modules/statuses/schemas.ts'
import { readScores, scoreAssessment, scoreField, SEED_SCALE, tableProblems, validUntilOf, type CapabilityLevelName, type ScaleTable } from './scale.ts'

export type Scale = { version: number; effectiveFrom: string; table: ScaleTable }

/** The scoring table in force on a day; the seeded reading of the standard is version 1, written on first use. */
export async function scaleOn(day: string, tx?: Tx): Promise<Scale> {
	const row = await sql`SELECT version, "effectiveFrom", "table" FROM assessment_scale WHERE "effectiveFrom" <= ${day}::date ORDER BY version DESC LIMIT 1`.first<{ version: number; effectiveFrom: string; table: ScaleTable }>(tx)
	if (row) return row
	await sql`INSERT INTO assessment_scale (version, "effectiveFrom", "table", note) VALUES (1, '2023-01-01', ${JSON.stringify(SEED_SCALE)}::jsonb, 'GB/T 42195-2022, as read by the team') ON CONFLICT DO NOTHING`.run(tx)
	return { version: 1, effectiveFrom: '2023-01-01', table: SEED_SCALE }
}

/** The bureau corrects the table: a new version, effective from a day, checked before it is stored. */
export async function publishScale(user: SessionUser, input: { table: unknown; effectiveFrom: string; note: string | null }, ip: string | null): Promise<Outcome<{ version: number }>> {
	if (user.role !== 'bureau_city' && user.role !== 'admin') return fail('statuses:errors.cityOnly', 403)
	const table = input.table as ScaleTable
	let problems: string[]
	try {
		problems = tableProblems(table)
	} catch {
		problems = ['shape']
	}
	if (problems.length) return fieldFail('table', 'statuses:errors.scale.invalid')
	await scaleOn(shanghaiDate())
	const version = await transaction(async (tx) => {
		const next = await sql`SELECT coalesce(max(version), 0) + 1 AS v FROM assessment_scale`.first<{ v: number }>(tx)
		await tx.assessmentScale.create({ data: { version: next!.v, effectiveFrom: dateOnly(input.effectiveFrom), table: table as unknown as Prisma.InputJsonValue, note: input.note, createdById: user.id } })
		await audit({ actor: user, action: 'assessment.scale', entityType: 'assessment_scale', entityId: String(next!.v), ip, details: { effectiveFrom: input.effectiveFrom, note: input.note } }, tx)
		return next!.v
	})
	return ok({ version })
}

type ElderRef = { id: string; districtId: string; communityId: string | null; birthDate: Date; deathDate: Date | null; name: string }

/** Whether the user may assess this elder: the org's districts for assessors, the permitted own community for community officers. */
export async function assessingAs(user: SessionUser, elder: Pick<ElderRef, 'districtId' | 'communityId'>): Promise<{ orgId: string | null } | 'notAssessor' | 'outOfScope'> {
	if (user.role === 'assessor') {
		const row = await prisma.user.findUnique({ where: { id: user.id }, select: { assessmentOrg: { select: { id: true, active: true, districtIds: true } } } })
		const org = row?.assessmentOrg
		if (!org || !org.active) return 'notAssessor'
		return org.districtIds.includes(elder.districtId) ? { orgId: org.id } : 'outOfScope'
	}
	if (user.role === 'community_officer' && user.communityId) {
		const permit = await prisma.assessmentCommunityPermit.findUnique({ where: { communityId: user.communityId }, select: { communityId: true } })
		if (!permit) return 'notAssessor'
		return elder.communityId === user.communityId ? { orgId: null } : 'outOfScope'
	}
	return 'notAssessor'
}

/** The elder an assessor opens by id (any elder: scope is decided by `assessingAs`, and answered 403 with a reason). */
export async function elderToAssess(user: SessionUser, elderId: string) {
	const elder = await prisma.elder.findUnique({ where: { id: elderId }, select: { id: true, districtId: true, communityId: true, birthDate: true, deathDate: true, name: true, idNumberMasked: true, community: { select: { nameZh: true } } } })
	if (!elder) return null
	const as = await assessingAs(user, elder)
	return { elder, as }
}

export async function recordAssessment(user: SessionUser, elderId: string, input: AssessmentFormInput, field: (name: string) => unknown, ip: string | null, today = shanghaiDate()): Promise<Outcome<{ id: string; level: CapabilityLevelName; total: number }>> {
	const found = await elderToAssess(user, elderId)
	if (!found) return fail('statuses:errors.elderUnknown', 404)
	const { elder, as } = found
	if (as === 'notAssessor') return fail('statuses:errors.notAssessor', 403)
	if (as === 'outOfScope') return fieldFail('elderId', 'statuses:errors.assessorOutOfScope', 403)
	if (input.assessedOn > today) return fieldFail('assessedOn', 'statuses:errors.assessedOn.future')
	if (input.assessedOn < toDateString(elder.birthDate)) return fieldFail('assessedOn', 'statuses:errors.assessedOn.beforeBirth')
	if (elder.deathDate && input.assessedOn > toDateString(elder.deathDate)) return fieldFail('assessedOn', 'statuses:errors.assessedOn.afterDeath')
	const scale = await scaleOn(input.assessedOn)
	const scores = readScores(scale.table, field)
	const scored = scoreAssessment(scale.table, { scores, coma: input.coma, diagnosis: input.diagnosis, riskEvents: input.riskEvents })
	if (!scored.ok) {
		const fieldErrors: FieldErrors = {}
		for (const p of scored.problems) fieldErrors[p.field === 'riskEvents' ? 'riskEvents' : scoreField(p.field)] = [`statuses:errors.score.${p.problem}`]
		return { ok: false, status: 400, fieldErrors }
	}
	const r = scored.value
	try {
		const id = await transaction(async (tx) => {
			const open = await tx.reassessmentRequest.findFirst({ where: { elderId: elder.id, assessmentId: null }, select: { id: true } })
			const row = await tx.capabilityAssessment.create({
				data: {
					elderId: elder.id,
					scaleVersion: scale.version,
					assessorId: user.id,
					orgId: as.orgId,
					assessedOn: dateOnly(input.assessedOn),
					validUntil: dateOnly(validUntilOf(input.assessedOn, input.validMonths)),
					scores,
					indicatorTotals: r.indicatorTotals,
					total: r.total,
					baseLevel: r.baseLevel,
					level: r.level,
					coma: input.coma,
					diagnosis: input.diagnosis,
					riskEvents: input.riskEvents,
					note: input.note,
					requestId: open?.id ?? null,
				},
				select: { id: true },
			})
			if (open) await tx.reassessmentRequest.update({ where: { id: open.id }, data: { assessmentId: row.id } })
			await audit({ actor: user, action: 'assessment.record', entityType: 'capability_assessment', entityId: row.id, districtId: elder.districtId, ip, details: { elderId: elder.id, assessedOn: input.assessedOn, scaleVersion: scale.version, total: r.total, level: r.level } }, tx)
			return row.id
		})
		return ok({ id, level: r.level, total: r.total })
	} catch (error) {
		return failureOf(error)
	}
}

/** Whether the user may ask for a re-assessment: a family member of the elder, or staff of the institution the elder lives in. */
export async function mayRequest(user: SessionUser, elderId: string) {
	if (user.role === 'family') return (await prisma.familyLink.count({ where: { elderId, userId: user.id } })) > 0
	if (user.role === 'provider_staff' && user.providerId) return (await prisma.admission.count({ where: { elderId, providerId: user.providerId, dischargedOn: null } })) > 0
	return false
}

export async function requestReassessment(user: SessionUser, elderId: string, reason: string, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (!(await mayRequest(user, elderId))) return fail('statuses:errors.mayNotRequest', 403)
	const elder = await prisma.elder.findUniqueOrThrow({ where: { id: elderId }, select: { districtId: true } })
	return transactionOutcome(async (tx) => {
		const row = await tx.reassessmentRequest.create({ data: { elderId, requestedById: user.id, reason }, select: { id: true } })
		await audit({ actor: user, action: 'assessment.request', entityType: 'reassessment_request', entityId: row.id, districtId: elder.districtId, ip, details: { elderId, reason } }, tx)
		return ok({ id: row.id })
	})
}

export type AssessmentRow = {
	id: string
	assessedOn: string
	validUntil: string
	total: number | null
	level: CapabilityLevelName
	source: string
	assessor: string | null
	org: string | null
	createdAt: Date
	inForce: boolean
	indicatorTotals: Record<string, number>
}

/** An elder's assessments, newest first, with which is in force today; and any open re-assessment request. */
export async function assessmentsOf(elderId: string, today = shanghaiDate()) {
	const rows = await sql`
		SELECT a.id, a."assessedOn", a."validUntil", a.total, a.level, a.source, u.name AS assessor, o.name AS org, a."createdAt", a."indicatorTotals"
		FROM capability_assessment a LEFT JOIN app_user u ON u.id = a."assessorId" LEFT JOIN assessment_org o ON o.id = a."orgId"
		WHERE a."elderId" = ${elderId}::uuid ORDER BY a."assessedOn" DESC, a."createdAt" DESC`.rows<Omit<AssessmentRow, 'inForce'>>()
	const current = rows.find((a) => a.assessedOn <= today && a.validUntil >= today)
	const request = await sql`
		SELECT q.id, q.reason, q."createdAt", u.name AS "requestedBy" FROM reassessment_request q JOIN app_user u ON u.id = q."requestedById"
		WHERE q."elderId" = ${elderId}::uuid AND q."assessmentId" IS NULL`.first<{ id: string; reason: string; createdAt: Date; requestedBy: string }>()
	return { assessments: rows.map((a) => ({ ...a, inForce: a === current })), openRequest: request ?? null }
}

/** The elders (e) a user may assess: an active organisation's districts for its assessors; a permitted community's own elders for its officers. */
async function assessableScope(user: SessionUser) {
	if (user.role === 'assessor') {
		const row = await prisma.user.findUnique({ where: { id: user.id }, select: { assessmentOrg: { select: { active: true, districtIds: true } } } })
		if (row?.assessmentOrg?.active) return sql`e."districtId" = ANY(${row.assessmentOrg.districtIds}::text[])`
	} else if (user.role === 'community_officer' && user.communityId && (await prisma.assessmentCommunityPermit.count({ where: { communityId: user.communityId } }))) {
		return sql`e."communityId" = ${user.communityId}::uuid`
	}
	return null
}

/** Open re-assessment requests the user may take (the home page). */
export async function countReassessmentRequests(user: SessionUser) {
	const scope = await assessableScope(user)
	if (!scope) return 0
	const row = await sql`SELECT count(*)::int AS n FROM reassessment_request q JOIN elder e ON e.id = q."elderId" WHERE q."assessmentId" IS NULL AND ${scope}`.first<{ n: number }>()
	return row?.n ?? 0
}

/** The assessor's work list: open re-assessment requests of elders they may assess, and their own recent assessments. */
export async function assessorWorklist(user: SessionUser) {
	const scope = (await assessableScope(user)) ?? sql`FALSE`
	const requests = await sql`
		SELECT q.id, q.reason, q."createdAt", e.id AS "elderId", e.name AS "elderName", c."nameZh" AS "communityName"
		FROM reassessment_request q JOIN elder e ON e.id = q."elderId" LEFT JOIN community c ON c.id = e."communityId"
		WHERE q."assessmentId" IS NULL AND ${scope} ORDER BY q."createdAt" LIMIT 200`.rows<{ id: string; reason: string; createdAt: Date; elderId: string; elderName: string; communityName: string | null }>()
	const mine = await sql`
		SELECT a.id, a."assessedOn", a.level, a.total, e.id AS "elderId", e.name AS "elderName"
		FROM capability_assessment a JOIN elder e ON e.id = a."elderId" WHERE a."assessorId" = ${user.id}::uuid ORDER BY a."createdAt" DESC LIMIT 50`.rows<{ id: string; assessedOn: string; level: CapabilityLevelName; total: number | null; elderId: string; elderName: string }>()
	return { requests, mine }
}

/** Finds the elder an assessor has in front of them by identity number (keyed hash; never decrypted). */
export async function findElderToAssess(user: SessionUser, idNumber: string): Promise<Outcome<{ elderId: string }>> {
	const elder = await prisma.elder.findUnique({ where: { idNumberHash: hashIdNumber(idNumber) }, select: { id: true, districtId: true, communityId: true } })
	if (!elder) return fieldFail('idNumber', 'statuses:errors.elderUnknown', 404)
	const as = await assessingAs(user, elder)
	if (as === 'notAssessor') return fail('statuses:errors.notAssessor', 403)
	if (as === 'outOfScope') return fieldFail('idNumber', 'statuses:errors.assessorOutOfScope', 403)
	return ok({ elderId: elder.id })
}
