// The construction subsidy (建设补贴, issue 14 item 3): once per new bed, after the bureau's
// acceptance inspection (验收) of the bed. The institution applies for accepted beds, an officer of
// its district reviews, a city officer approves (three different accounts: twoPersonRefusal here,
// CHECK construction_application_two_people in the database), and approval records the payment of
// each bed in construction_paid_bed, whose unique index pays a bed once ever. The amount per bed
// is the rate version in force on the day of the bed's inspection, for the bed's type then.
// New beds: beds created on or after the first rate version's date (the scheme's start).
import { prisma, type Tx } from '~/lib/db.server.ts'
import { refuse, transactionOutcome } from '~/lib/db-rules.server.ts'
import { toCsv } from '~/lib/export.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import type { InstitutionStaff } from '~/modules/beds/access.server.ts'
import type { BedTypeName } from '~/modules/beds/schemas.ts'
import { requireApprovedProvider } from '~/modules/marketplace/provider-standing.server.ts'
import { acceptancesOf, type Photo } from './photos.server.ts'
import { amountForBed, versionOn } from './rules.ts'
import { listRates } from './settings.server.ts'

/** SQL condition: bed `b` is a new bed (created, in Shanghai time, on or after the scheme's start). */
const NEW_BED = sql`(b."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date >= (SELECT min("effectiveFrom") FROM construction_rate)`

export type ConstructionStatus = 'submitted' | 'reviewed' | 'approved' | 'rejected'
type BedRow = { id: string; label: string; type: BedTypeName; status: string; createdOn: string }

/** New beds of an institution that have not passed the acceptance inspection yet. */
export async function bedsAwaitingAcceptance(providerId: string, tx?: Tx) {
	return sql`SELECT b.id, b.label, b.type, b.status, (b."createdAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date AS "createdOn"
		FROM bed b WHERE b."providerId" = ${providerId}::uuid AND ${NEW_BED}
		  AND NOT EXISTS (SELECT 1 FROM bed_acceptance_bed ab WHERE ab."bedId" = b.id)
		ORDER BY b.label LIMIT 500`.rows<BedRow>(tx)
}

/** What the institution sees: beds awaiting inspection, accepted beds it may apply for (with the amount), its applications. */
export async function constructionOverview(staff: InstitutionStaff) {
	const rates = await listRates()
	const [awaiting, accepted, applications, paid, acceptances] = await Promise.all([
		bedsAwaitingAcceptance(staff.providerId),
		sql`SELECT b.id, b.label, b.type, b.status, a."inspectedOn"
			FROM bed b JOIN bed_acceptance_bed ab ON ab."bedId" = b.id JOIN bed_acceptance a ON a.id = ab."acceptanceId"
			WHERE b."providerId" = ${staff.providerId}::uuid
			  AND NOT EXISTS (SELECT 1 FROM construction_application_bed l WHERE l."bedId" = b.id AND l.active)
			  AND NOT EXISTS (SELECT 1 FROM construction_paid_bed p WHERE p."bedId" = b.id)
			ORDER BY b.label LIMIT 500`.rows<{ id: string; label: string; type: BedTypeName; status: string; inspectedOn: string }>(),
		applicationsWhere(sql`c."providerId" = ${staff.providerId}::uuid`, 50),
		sql`SELECT count(*)::int AS beds, coalesce(sum("amountFen"), 0)::bigint AS "totalFen" FROM construction_paid_bed WHERE "providerId" = ${staff.providerId}::uuid`.first<{ beds: number; totalFen: number }>(),
		acceptancesOf(staff.providerId),
	])
	return {
		awaiting,
		accepted: accepted.map((b) => {
			const rate = versionOn(rates, b.inspectedOn)
			return { ...b, amountFen: rate ? amountForBed(rate, b.type) : 0 }
		}),
		applications,
		paid: paid ?? { beds: 0, totalFen: 0 },
		acceptances,
	}
}

function applicationsWhere(where: ReturnType<typeof sql>, limit: number) {
	return sql`SELECT c.id, c."providerId", p.name AS "providerName", c."districtId", c.status::text AS status, c."bedCount", c."totalFen",
			c."submittedAt", su.name AS "submittedBy", c."submittedById", c."reviewedAt", ru.name AS "reviewedBy", c."reviewedById", c."reviewNote",
			c."decidedAt", du.name AS "decidedBy", c."decisionNote", c."paidOn",
			(SELECT string_agg(b.label, '、' ORDER BY b.label) FROM construction_application_bed l JOIN bed b ON b.id = l."bedId" WHERE l."applicationId" = c.id) AS "bedLabels"
		FROM construction_application c JOIN provider p ON p.id = c."providerId"
		LEFT JOIN app_user su ON su.id = c."submittedById" LEFT JOIN app_user ru ON ru.id = c."reviewedById" LEFT JOIN app_user du ON du.id = c."decidedById"
		WHERE ${where} ORDER BY c."submittedAt" DESC LIMIT ${limit}`
		.rows<{
			id: string
			providerId: string
			providerName: string
			districtId: string
			status: ConstructionStatus
			bedCount: number
			totalFen: number
			submittedAt: Date
			submittedBy: string | null
			submittedById: string
			reviewedAt: Date | null
			reviewedBy: string | null
			reviewedById: string | null
			reviewNote: string | null
			decidedAt: Date | null
			decidedBy: string | null
			decisionNote: string | null
			paidOn: string | null
			bedLabels: string | null
		}>()
		.then((rows) => rows.map((r) => ({ ...r, submittedAt: r.submittedAt.toISOString(), reviewedAt: r.reviewedAt?.toISOString() ?? null, decidedAt: r.decidedAt?.toISOString() ?? null })))
}

const mayInspect = (user: SessionUser, districtId: string) => (user.role === 'bureau_district' || user.role === 'bureau_city') && canActInDistrict(user, districtId)

/** A district (or city) officer records the acceptance inspection of some of an institution's new beds. Audited. */
export async function recordAcceptance(officer: SessionUser, input: { providerId: string; inspectedOn: string; bedIds: string[]; note?: string; photos?: Photo[] }, ip: string | null): Promise<Outcome<{ id: string }>> {
	const provider = await prisma.provider.findUnique({ where: { id: input.providerId }, select: { id: true, kind: true, districtId: true, status: true } })
	if (!provider || provider.kind !== 'institution' || !mayInspect(officer, provider.districtId)) return fail('beds:construction.errors.notInScope', 403)
	const bedIds = [...new Set(input.bedIds)]
	return transactionOutcome(async (tx) => {
		await requireApprovedProvider(tx, provider.id)
		const waiting = new Map((await bedsAwaitingAcceptance(provider.id, tx)).map((b) => [b.id, b]))
		for (const id of bedIds) {
			const bed = waiting.get(id)
			// Not this institution's new bed, or accepted already (the unique index says so in a race).
			if (!bed) refuse('bedIds', 'beds:construction.errors.notAwaiting', 409)
			if (bed.status === 'out_of_service') refuse('bedIds', 'beds:construction.errors.outOfService', 409)
			if (bed.createdOn > input.inspectedOn) refuse('inspectedOn', 'beds:construction.errors.beforeBed', 400)
		}
		const row = await sql`INSERT INTO bed_acceptance ("providerId", "inspectedOn", "inspectorId", note) VALUES (${provider.id}::uuid, ${input.inspectedOn}::date, ${officer.id}::uuid, ${input.note || null}) RETURNING id`.first<{ id: string }>(tx)
		await sql`INSERT INTO bed_acceptance_bed ("acceptanceId", "bedId") SELECT ${row!.id}::uuid, unnest(${bedIds}::uuid[])`.run(tx)
		for (const photo of input.photos ?? []) await sql`INSERT INTO bed_acceptance_photo ("acceptanceId", "contentType", bytes) VALUES (${row!.id}::uuid, ${photo.contentType}, ${Buffer.from(photo.bytes)})`.run(tx)
		await audit({ actor: officer, action: 'construction.accept_beds', entityType: 'provider', entityId: provider.id, districtId: provider.districtId, details: { acceptanceId: row!.id, inspectedOn: input.inspectedOn, beds: bedIds.length, photos: input.photos?.length ?? 0 }, ip }, tx)
		return ok({ id: row!.id })
	})
}

/** The institution applies for the construction subsidy of accepted beds. Amounts fixed now, in fen. */
export async function applyForConstruction(staff: InstitutionStaff, input: { bedIds: string[] }, ip: string | null): Promise<Outcome<{ id: string; totalFen: number }>> {
	const bedIds = [...new Set(input.bedIds)]
	return transactionOutcome(async (tx) => {
		await requireApprovedProvider(tx, staff.providerId)
		const rates = await listRates(tx)
		const beds = await sql`SELECT b.id, b.type, ab."acceptanceId", a."inspectedOn"
			FROM bed b LEFT JOIN bed_acceptance_bed ab ON ab."bedId" = b.id LEFT JOIN bed_acceptance a ON a.id = ab."acceptanceId"
			WHERE b.id = ANY(${bedIds}::uuid[]) AND b."providerId" = ${staff.providerId}::uuid FOR UPDATE OF b`.rows<{ id: string; type: BedTypeName; acceptanceId: string | null; inspectedOn: string | null }>(tx)
		if (beds.length !== bedIds.length) refuse('bedIds', 'beds:errors.bed.notYours', 404)
		if (beds.some((b) => !b.acceptanceId)) refuse('bedIds', 'beds:construction.errors.notAccepted', 400)
		const lines = beds.map((b) => {
			const rate = versionOn(rates, b.inspectedOn!)
			if (!rate) refuse('bedIds', 'beds:construction.errors.notAccepted', 400)
			return { ...b, rateId: rate.id, amountFen: amountForBed(rate, b.type) }
		})
		const totalFen = lines.reduce((s, l) => s + l.amountFen, 0)
		const app = await sql`INSERT INTO construction_application ("providerId", "districtId", "bedCount", "totalFen", "submittedById")
			VALUES (${staff.providerId}::uuid, ${staff.districtId}, ${lines.length}, ${totalFen}, ${staff.id}::uuid) RETURNING id`.first<{ id: string }>(tx)
		await sql`INSERT INTO construction_application_bed ("applicationId", "bedId", "bedType", "acceptanceId", "rateId", "amountFen")
			SELECT ${app!.id}::uuid, t.bed, t.type::"BedType", t.acc, t.rate, t.amount
			FROM unnest(${lines.map((l) => l.id)}::uuid[], ${lines.map((l) => l.type)}::text[], ${lines.map((l) => l.acceptanceId!)}::uuid[], ${lines.map((l) => l.rateId)}::uuid[], ${lines.map((l) => l.amountFen)}::int[]) AS t(bed, type, acc, rate, amount)`.run(tx)
		await audit({ actor: staff, action: 'construction.apply', entityType: 'construction_application', entityId: app!.id, districtId: staff.districtId, details: { beds: lines.length, totalFen }, ip }, tx)
		return ok({ id: app!.id, totalFen })
	})
}

async function applicationHead(id: string) {
	return prisma.constructionApplication.findUnique({ where: { id }, select: { id: true, districtId: true, status: true, submittedById: true, reviewedById: true, providerId: true, totalFen: true } })
}

/** An officer of the institution's district reviews: passes it on to the city, or refuses it with a reason. */
export async function reviewConstruction(officer: SessionUser, input: { applicationId: string; decision: 'pass' | 'reject'; note?: string }, ip: string | null): Promise<Outcome<null>> {
	const app = await applicationHead(input.applicationId)
	if (!app || !(officer.role === 'bureau_district' && canActInDistrict(officer, app.districtId))) return fail('beds:construction.errors.notInScope', 403)
	const twoPerson = await twoPersonRefusal(officer, [app.submittedById])
	if (twoPerson) return twoPerson
	return transactionOutcome(async (tx) => {
		const to = input.decision === 'pass' ? 'reviewed' : 'rejected'
		const n = await sql`UPDATE construction_application SET status = ${to}::"ConstructionStatus", "reviewedById" = ${officer.id}::uuid, "reviewedAt" = now(), "reviewNote" = ${input.note || null}
			WHERE id = ${app.id}::uuid AND status = 'submitted'`.run(tx)
		if (!n) return fail('beds:construction.errors.alreadyDecided', 409)
		await audit({ actor: officer, action: `construction.review_${input.decision}`, entityType: 'construction_application', entityId: app.id, districtId: app.districtId, details: { note: input.note ?? '' }, ip }, tx)
		return ok(null)
	})
}

/**
 * A city officer approves (the payment of every bed is recorded, paid today) or refuses. Neither the
 * applicant nor the district reviewer may decide. A bed paid before is refused by the database.
 */
export async function decideConstruction(officer: SessionUser, input: { applicationId: string; decision: 'approve' | 'reject'; note?: string }, ip: string | null, today = shanghaiDate()): Promise<Outcome<null>> {
	const app = await applicationHead(input.applicationId)
	if (!app) return fail('beds:construction.errors.unknown', 404)
	if (officer.role !== 'bureau_city') return fail('beds:construction.errors.cityOnly', 403)
	const twoPerson = await twoPersonRefusal(officer, [app.submittedById, app.reviewedById])
	if (twoPerson) return twoPerson
	return transactionOutcome(async (tx) => {
		const approve = input.decision === 'approve'
		const n = await sql`UPDATE construction_application SET status = ${approve ? 'approved' : 'rejected'}::"ConstructionStatus", "decidedById" = ${officer.id}::uuid, "decidedAt" = now(),
				"decisionNote" = ${input.note || null}, "paidOn" = ${approve ? today : null}::date
			WHERE id = ${app.id}::uuid AND status = 'reviewed'`.run(tx)
		if (!n) return fail('beds:construction.errors.notReviewed', 409)
		if (approve)
			await sql`INSERT INTO construction_paid_bed ("bedId", "applicationId", "providerId", "amountFen", "paidOn")
				SELECT l."bedId", l."applicationId", ${app.providerId}::uuid, l."amountFen", ${today}::date FROM construction_application_bed l WHERE l."applicationId" = ${app.id}::uuid AND l.active`.run(tx)
		await audit({ actor: officer, action: `construction.${input.decision}`, entityType: 'construction_application', entityId: app.id, districtId: app.districtId, details: { totalFen: app.totalFen, note: input.note ?? '' }, ip }, tx)
		return ok(null)
	})
}

const scopeOf = (user: SessionUser) => (isCityWide(user) ? sql`TRUE` : sql`c."districtId" = ${user.districtId ?? ''}`)

/** The officers' page: institutions with beds awaiting inspection, applications by status, and what was paid. */
/** Applications waiting for this officer: the district reviews those submitted, the city decides those reviewed (/bureau/construction lists them). */
export async function countConstructionToDecide(user: SessionUser) {
	const status = user.role === 'bureau_district' ? 'submitted' : user.role === 'bureau_city' ? 'reviewed' : null
	if (!status) return 0
	const row = await sql`SELECT count(*)::int AS n FROM construction_application c WHERE c.status = ${status}::"ConstructionStatus" AND ${scopeOf(user)}`.first<{ n: number }>()
	return row?.n ?? 0
}

export async function constructionForOfficer(user: SessionUser, opts: { providerId?: string | null }) {
	const providerScope = isCityWide(user) ? sql`TRUE` : sql`p."districtId" = ${user.districtId ?? ''}`
	const [institutions, submitted, reviewed, decided, paid] = await Promise.all([
		sql`SELECT p.id, p.name, p."districtId", count(b.id)::int AS awaiting
			FROM provider p JOIN bed b ON b."providerId" = p.id
			WHERE p.kind = 'institution' AND p.status = 'approved' AND ${providerScope} AND ${NEW_BED}
			  AND NOT EXISTS (SELECT 1 FROM bed_acceptance_bed ab WHERE ab."bedId" = b.id)
			GROUP BY p.id ORDER BY p.name LIMIT 200`.rows<{ id: string; name: string; districtId: string; awaiting: number }>(),
		applicationsWhere(sql`c.status = 'submitted' AND ${scopeOf(user)}`, 100),
		applicationsWhere(sql`c.status = 'reviewed' AND ${scopeOf(user)}`, 100),
		applicationsWhere(sql`c.status IN ('approved', 'rejected') AND ${scopeOf(user)}`, 50),
		sql`SELECT count(*)::int AS beds, coalesce(sum(pb."amountFen"), 0)::bigint AS "totalFen" FROM construction_paid_bed pb JOIN construction_application c ON c.id = pb."applicationId" WHERE ${scopeOf(user)}`.first<{ beds: number; totalFen: number }>(),
	])
	// The chosen institution, in scope, whether or not beds still await inspection (its past inspections show too).
	const selected = opts.providerId && /^[0-9a-f-]{36}$/i.test(opts.providerId)
		? await sql`SELECT p.id, p.name, p."districtId" FROM provider p WHERE p.id = ${opts.providerId}::uuid AND p.kind = 'institution' AND ${providerScope}`.first<{ id: string; name: string; districtId: string }>()
		: undefined
	return {
		institutions,
		selected: selected ? { ...selected, beds: await bedsAwaitingAcceptance(selected.id), acceptances: await acceptancesOf(selected.id) } : null,
		submitted,
		reviewed,
		decided,
		paid: paid ?? { beds: 0, totalFen: 0 },
	}
}

/** Paid beds in scope as CSV (UTF-8 with BOM), one line per bed; the download is audited. */
export async function paidCsv(user: SessionUser, ip: string | null) {
	const rows = await sql`SELECT pb."paidOn", d."nameZh" AS district, p.name AS provider, p."licenceNo", b.label, l."bedType"::text AS type, a."inspectedOn", pb."amountFen", c.id AS "applicationId"
		FROM construction_paid_bed pb JOIN construction_application c ON c.id = pb."applicationId" JOIN provider p ON p.id = pb."providerId" JOIN district d ON d.id = c."districtId"
		JOIN bed b ON b.id = pb."bedId" JOIN construction_application_bed l ON l."applicationId" = pb."applicationId" AND l."bedId" = pb."bedId" JOIN bed_acceptance a ON a.id = l."acceptanceId"
		WHERE ${scopeOf(user)} ORDER BY pb."paidOn", p.name, b.label`.rows<{ paidOn: string; district: string; provider: string; licenceNo: string; label: string; type: string; inspectedOn: string; amountFen: number; applicationId: string }>()
	await audit({ actor: user, action: 'construction.export', entityType: 'construction_paid_bed', entityId: null, districtId: isCityWide(user) ? null : user.districtId, details: { rows: rows.length }, ip })
	const total = rows.reduce((s, r) => s + r.amountFen, 0)
	return toCsv([
		['拨付日期 paid on', '区县 district', '机构 institution', '许可证号 licence', '床位 bed', '床位类型 type', '验收日期 inspected on', '金额（元） amount (yuan)', '申请 application'],
		...rows.map((r) => [r.paidOn, r.district, r.provider, r.licenceNo, r.label, r.type, r.inspectedOn, (r.amountFen / 100).toFixed(2), r.applicationId]),
		['合计 total', '', '', '', String(rows.length), '', '', (total / 100).toFixed(2), ''],
	])
}

