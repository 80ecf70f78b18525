// Provider settlement: each month a provider claims the subsidy parts of its completed bookings
// whose visits were verified (checked in and out at the elder's place and time, or cleared by a
// reviewer). Flagged visits wait for review and join a later claim once accepted. The bureau
// approves a claim and exports it for the finance office. UNIQUE(bookingId) and UNIQUE(visitId) on
// the claim lines make sure nothing is claimed twice, whoever prepares claims at the same time.
import { toCsv, toXlsx } from '~/lib/export.server.ts'
import { z } from 'zod'
import { prisma, transaction } from '~/lib/db.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { addMonths, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'subsidies:errors.month')

/** Visits whose subsidy can be claimed, checked out before `end` (the month's end). */
const claimableFrom = (end: string) => sql`FROM booking b
	JOIN visit v ON v."bookingId" = b.id
	JOIN ledger_txn c ON c.kind = 'capture' AND c.ref = b.id::text
	WHERE b.status = 'completed' AND v.verified AND v."checkOutAt" < ${end}::timestamptz
	  AND NOT EXISTS (SELECT 1 FROM ledger_txn r WHERE r.kind = 'reversal' AND r.ref = c.ref)
	  AND NOT EXISTS (SELECT 1 FROM subsidy_claim_line l WHERE l."visitId" = v.id AND l.active)`

/** Creates (or tops up, while still under review) the provider's claim for a month. */
export async function prepareClaim(user: SessionUser, month: string): Promise<Outcome<{ claimId: string; added: number }>> {
	if (user.role !== 'provider_staff' || !user.providerId) return fail('subsidies:errors.providerOnly', 403)
	const result = await prepareClaimForProvider(user, user.providerId, month)
	if (!result) return fail('subsidies:errors.providerOnly', 403)
	if (result.closed) return fail('subsidies:errors.claimClosed', 409)
	return ok({ claimId: result.claimId, added: result.added })
}

/**
 * The claim of one provider for a month, by its staff or by the monthly job (actor null). One
 * non-rejected claim per provider and month (partial unique index): a rejected claim is followed by
 * a corrected one. Lines: completed bookings with verified visits checked out before the month's
 * end, whose capture was not reversed and which are in no other non-rejected claim (partial unique
 * indexes on active lines; ON CONFLICT skips them), so concurrent runs never claim a visit twice.
 */
export async function prepareClaimForProvider(actor: SessionUser | null, providerId: string, month: string): Promise<{ claimId: string; added: number; closed: boolean; created: boolean } | null> {
	const provider = await prisma.provider.findUnique({ where: { id: providerId }, select: { id: true, districtId: true } })
	if (!provider) return null
	const first = `${month}-01`
	// The month ends at midnight Shanghai time of the next month's first day.
	const end = `${addMonths(month, 1)}-01T00:00:00+08:00`
	return transaction(async (tx) => {
		const inserted = await sql`
			INSERT INTO subsidy_claim (id, "providerId", month, "districtId", "createdById")
			VALUES (gen_random_uuid(), ${provider.id}::uuid, ${first}::date, ${provider.districtId}, ${actor?.id ?? null}::uuid)
			ON CONFLICT ("providerId", month) WHERE status <> 'rejected' DO NOTHING RETURNING id`.rows<{ id: string }>(tx)
		const claim = await sql`
			SELECT id, status::text FROM subsidy_claim WHERE "providerId" = ${provider.id}::uuid AND month = ${first}::date AND status <> 'rejected' FOR UPDATE`.first<{ id: string; status: string }>(tx)
		if (!claim || claim.status !== 'submitted') return { claimId: claim?.id ?? '', added: 0, closed: true, created: false }
		const added = await sql`
			WITH ins AS (
				INSERT INTO subsidy_claim_line (id, "claimId", "bookingId", "visitId", "elderId", category, "amountFen", "serviceDate")
				SELECT gen_random_uuid(), ${claim.id}::uuid, b.id, v.id, b."elderId", c.category, c."amountFen"::int, (v."checkOutAt" AT TIME ZONE 'Asia/Shanghai')::date
				${claimableFrom(end)} AND b."providerId" = ${provider.id}::uuid
				ON CONFLICT DO NOTHING
				RETURNING 1
			) SELECT count(*)::int AS n FROM ins`.first<{ n: number }>(tx)
		const n = added?.n ?? 0
		if (inserted.length || n > 0 || actor) {
			await audit({ actor, action: 'subsidy.claim_prepare', entityType: 'subsidy_claim', entityId: claim.id, districtId: provider.districtId, details: { month, added: n, by: actor ? 'staff' : 'monthly_job' } }, tx)
		}
		return { claimId: claim.id, added: n, closed: false, created: inserted.length > 0 }
	})
}

/**
 * The monthly job: the claim for `month` of every provider with something to claim (so no empty
 * claims). Idempotent: a second run finds the claims and adds nothing.
 */
export async function prepareMonthlyClaims(month: string): Promise<{ providers: number; created: number; lines: number }> {
	const end = `${addMonths(month, 1)}-01T00:00:00+08:00`
	const providers = await sql`SELECT DISTINCT b."providerId" ${claimableFrom(end)} ORDER BY 1`.rows<{ providerId: string }>()
	let created = 0
	let lines = 0
	for (const p of providers) {
		const r = await prepareClaimForProvider(null, p.providerId, month)
		if (r?.created) created++
		lines += r?.added ?? 0
	}
	return { providers: providers.length, created, lines }
}

function claimScope(user: SessionUser) {
	if (user.role === 'provider_staff') return { providerId: user.providerId ?? '00000000-0000-0000-0000-000000000000' }
	if (isCityWide(user)) return {}
	if (user.role === 'bureau_district') return { districtId: user.districtId ?? '-' }
	return { id: '00000000-0000-0000-0000-000000000000' }
}

/** Claims in scope submitted and not yet decided (the bureau's queue on the home page). */
export async function countClaimsToDecide(user: SessionUser) {
	return prisma.subsidyClaim.count({ where: { AND: [claimScope(user), { status: 'submitted' }] } })
}

export async function listClaims(user: SessionUser) {
	const [claims, providers] = await Promise.all([
		prisma.subsidyClaim.findMany({ where: claimScope(user), orderBy: [{ month: 'desc' }, { createdAt: 'desc' }], take: 100, select: { id: true, providerId: true, month: true, status: true, totalFen: true, lineCount: true, reviewedAt: true, reviewNote: true, districtId: true } }),
		prisma.provider.findMany({ where: user.role === 'provider_staff' ? { id: user.providerId ?? '-' } : {}, select: { id: true, name: true } }),
	])
	const names = new Map(providers.map((p) => [p.id, p.name]))
	return claims.map((c) => ({ ...c, month: toDateString(c.month).slice(0, 7), totalFen: Number(c.totalFen), providerName: names.get(c.providerId) ?? '', reviewedAt: c.reviewedAt?.toISOString() ?? null }))
}

/** Visits of the provider(s) in scope whose subsidy waits on a review of their flags. */
export async function flaggedWaiting(user: SessionUser) {
	const scope = claimScope(user)
	const providerFilter = 'providerId' in scope ? { providerId: scope.providerId } : 'districtId' in scope ? { provider: { districtId: scope.districtId } } : 'id' in scope ? { id: scope.id } : {}
	return prisma.booking.count({ where: { ...providerFilter, status: 'completed', subsidyFen: { gt: 0 }, visit: { verified: false, reviewedAt: null } } })
}

export async function getClaim(user: SessionUser, claimId: string) {
	if (!z.uuid().safeParse(claimId).success) return null
	const claim = await prisma.subsidyClaim.findFirst({
		where: { AND: [{ id: claimId }, claimScope(user)] },
		select: { id: true, providerId: true, month: true, status: true, totalFen: true, lineCount: true, districtId: true, reviewNote: true, lines: { orderBy: { serviceDate: 'asc' }, select: { id: true, bookingId: true, visitId: true, elderId: true, category: true, amountFen: true, serviceDate: true } } },
	})
	if (!claim) return null
	const [provider, elders] = await Promise.all([
		prisma.provider.findUnique({ where: { id: claim.providerId }, select: { name: true, licenceNo: true } }),
		prisma.elder.findMany({ where: { id: { in: claim.lines.map((l) => l.elderId) } }, select: { id: true, name: true, idNumberMasked: true } }),
	])
	const elderById = new Map(elders.map((e) => [e.id, e]))
	return {
		...claim,
		month: toDateString(claim.month).slice(0, 7),
		totalFen: Number(claim.totalFen),
		provider,
		lines: claim.lines.map((l) => ({ ...l, serviceDate: toDateString(l.serviceDate), elderName: elderById.get(l.elderId)?.name ?? '', elderIdMasked: elderById.get(l.elderId)?.idNumberMasked ?? '' })),
	}
}

/** A bureau officer of the provider's district (or the city) approves a submitted claim. */
export async function approveClaim(user: SessionUser, claimId: string, note: string, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_district' && !isCityWide(user)) return fail('subsidies:errors.bureauOnly', 403)
	if (!z.uuid().safeParse(claimId).success) return fail('subsidies:errors.notInScope', 404)
	const claim = await prisma.subsidyClaim.findUnique({ where: { id: claimId }, select: { id: true, districtId: true, totalFen: true, lineCount: true, createdById: true } })
	if (!claim) return fail('subsidies:errors.notInScope', 404)
	if (!canActInDistrict(user, claim.districtId)) return fail('subsidies:errors.otherDistrict', 403)
	if (claim.lineCount === 0) return fail('subsidies:errors.claimEmpty', 409)
	const twoPerson = await twoPersonRefusal(user, [claim.createdById])
	if (twoPerson) return twoPerson
	const done = await transaction(async (tx) => {
		const { count } = await tx.subsidyClaim.updateMany({ where: { id: claim.id, status: 'submitted' }, data: { status: 'approved', reviewedById: user.id, reviewedAt: new Date(), reviewNote: note || null } })
		if (count === 0) return false
		const fresh = await tx.subsidyClaim.findUniqueOrThrow({ where: { id: claim.id }, select: { totalFen: true, lineCount: true } })
		await audit({ actor: user, action: 'subsidy.claim_approve', entityType: 'subsidy_claim', entityId: claim.id, districtId: claim.districtId, ip, details: { totalFen: Number(fresh.totalFen), lines: fresh.lineCount, note } }, tx)
		return true
	})
	if (!done) return fail('subsidies:errors.outOfOrder', 409)
	return ok()
}

/**
 * A bureau officer of the provider's district (or the city) returns a submitted claim with a
 * reason. The database deactivates its lines (trigger), so the provider can prepare a corrected
 * claim for the month that claims those visits again. Audited; the provider is notified.
 */
export async function rejectClaim(user: SessionUser, claimId: string, reason: string, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_district' && !isCityWide(user)) return fail('subsidies:errors.bureauOnly', 403)
	if (!z.uuid().safeParse(claimId).success) return fail('subsidies:errors.notInScope', 404)
	const trimmed = reason.trim()
	if (!trimmed) return { ...fieldFail('reason', 'subsidies:errors.reasonRequired'), formError: 'subsidies:errors.reasonRequired' }
	const claim = await prisma.subsidyClaim.findUnique({ where: { id: claimId }, select: { id: true, districtId: true, providerId: true, month: true } })
	if (!claim) return fail('subsidies:errors.notInScope', 404)
	if (!canActInDistrict(user, claim.districtId)) return fail('subsidies:errors.otherDistrict', 403)
	const done = await transaction(async (tx) => {
		const { count } = await tx.subsidyClaim.updateMany({ where: { id: claim.id, status: 'submitted' }, data: { status: 'rejected', reviewedById: user.id, reviewedAt: new Date(), reviewNote: trimmed } })
		if (count === 0) return false
		const fresh = await tx.subsidyClaim.findUniqueOrThrow({ where: { id: claim.id }, select: { totalFen: true, lineCount: true } })
		const month = toDateString(claim.month).slice(0, 7)
		await audit({ actor: user, action: 'subsidy.claim_reject', entityType: 'subsidy_claim', entityId: claim.id, districtId: claim.districtId, ip, details: { totalFen: Number(fresh.totalFen), lines: fresh.lineCount, reason: trimmed, month } }, tx)
		// The provider must make a corrected claim: its managers get a text too.
		await notify(tx, { providerId: claim.providerId }, 'subsidy.claim_rejected', { params: { month, reason: trimmed, claimId: claim.id }, dedupe: claim.id, sms: true })
		return true
	})
	if (!done) return fail('subsidies:errors.outOfOrder', 409)
	return ok()
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const EXPORT_HEADER = ['服务商 provider', '许可证号 licence', '结算月份 month', '服务日期 service date', '订单 booking', '服务记录 visit', '老人 elder', '身份证号 ID (masked)', '服务类别 category', '补贴金额(元) subsidy CNY']

export type ClaimFile = { filename: string; contentType: string; body: string | Uint8Array<ArrayBuffer> }

/**
 * The finance office's file of an approved claim: CSV (UTF-8 with BOM so spreadsheet programs read
 * the Chinese) or XLSX (app/lib/export.server.ts, formula-safe; amounts as numbers in yuan with two decimals). Audited.
 */
export async function exportClaim(user: SessionUser, claimId: string, format: 'csv' | 'xlsx', ip: string | null): Promise<ClaimFile | null> {
	const claim = await getClaim(user, claimId)
	if (!claim || claim.status !== 'approved') return null
	const provider = [claim.provider?.name ?? '', claim.provider?.licenceNo ?? '', claim.month]
	const lines = claim.lines.map((l) => ({ text: [...provider, l.serviceDate, l.bookingId, l.visitId, l.elderName, l.elderIdMasked, l.category], fen: l.amountFen }))
	const totalText = ['合计 total', '', claim.month, '', '', '', '', '', String(claim.lineCount)]
	const filename = `subsidy-claim-${claim.month}-${claim.id.slice(0, 8)}.${format}`
	let file: ClaimFile
	if (format === 'csv') {
		const yuan = (fen: number) => (fen / 100).toFixed(2)
		const body = toCsv([EXPORT_HEADER, ...lines.map((l) => [...l.text, yuan(l.fen)]), [...totalText, yuan(claim.totalFen)]])
		file = { filename, contentType: 'text/csv; charset=utf-8', body }
	} else {
		const amount = (fen: number, bold = false) => ({ value: fen / 100, type: Number, format: '#,##0.00', ...(bold ? { fontWeight: 'bold' as const } : {}) })
		const sheet = [
			EXPORT_HEADER.map((value) => ({ value, fontWeight: 'bold' as const })),
			...lines.map((l) => [...l.text.map((value) => ({ value })), amount(l.fen)]),
			[...totalText.map((value) => ({ value, fontWeight: 'bold' as const })), amount(claim.totalFen, true)],
		]
		const body = await toXlsx(sheet, { sheet: claim.month, columns: EXPORT_HEADER.map((h) => ({ width: Math.max(12, h.length + 4) })), stickyRowsCount: 1 })
		file = { filename, contentType: XLSX_TYPE, body }
	}
	await audit({ actor: user, action: 'subsidy.claim_export', entityType: 'subsidy_claim', entityId: claim.id, districtId: claim.districtId, ip, details: { lines: claim.lineCount, format } })
	return file
}
