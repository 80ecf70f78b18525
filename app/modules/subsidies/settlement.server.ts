// Provider settlement: each month a provider claims the subsidy parts of its completed bookings
// whose visits were verified (checked in and out at the elder's place and time, or cleared by a
// reviewer). Flagged visits wait for review and join a later claim once accepted. The bureau
// approves a claim and exports it for the finance office. UNIQUE(bookingId) and UNIQUE(visitId) on
// the claim lines make sure nothing is claimed twice, whoever prepares claims at the same time.
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import { prisma } from '~/lib/db.server.ts'
import { addMonths, toDateString } from '~/lib/time.ts'
import type { Outcome } from '~/modules/accounts/accounts.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

const fail = (formError: string, status = 400) => ({ ok: false as const, fieldErrors: {}, formError, status })

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'subsidies:errors.month')

/** Creates (or tops up, while still under review) the provider's claim for a month. */
export async function prepareClaim(user: SessionUser, month: string): Promise<Outcome<{ claimId: string; added: number }>> {
	if (user.role !== 'provider_staff' || !user.providerId) return fail('subsidies:errors.providerOnly', 403)
	const provider = await prisma.provider.findUnique({ where: { id: user.providerId }, select: { id: true, districtId: true } })
	if (!provider) return fail('subsidies:errors.providerOnly', 403)
	const first = `${month}-01`
	// The month ends at midnight Shanghai time of the next month's first day.
	const end = `${addMonths(month, 1)}-01T00:00:00+08:00`
	const result = await prisma.$transaction(async (tx) => {
		await tx.$executeRawUnsafe(
			`INSERT INTO subsidy_claim (id, "providerId", month, "districtId", "createdById") VALUES (gen_random_uuid(), $1::uuid, $2::date, $3, $4::uuid)
			 ON CONFLICT ("providerId", month) DO NOTHING`,
			provider.id,
			first,
			provider.districtId,
			user.id,
		)
		const [claim] = await tx.$queryRawUnsafe<{ id: string; status: string }[]>(`SELECT id, status::text FROM subsidy_claim WHERE "providerId" = $1::uuid AND month = $2::date FOR UPDATE`, provider.id, first)
		if (!claim || claim.status !== 'submitted') return { claimId: claim?.id ?? '', added: 0, closed: true }
		const [added] = await tx.$queryRawUnsafe<{ n: number }[]>(
			`WITH ins AS (
				INSERT INTO subsidy_claim_line (id, "claimId", "bookingId", "visitId", "elderId", category, "amountFen", "serviceDate")
				SELECT gen_random_uuid(), $1::uuid, b.id, v.id, b."elderId", c.category, c."amountFen"::int, (v."checkOutAt" AT TIME ZONE 'Asia/Shanghai')::date
				FROM booking b
				JOIN visit v ON v."bookingId" = b.id
				JOIN ledger_txn c ON c.kind = 'capture' AND c.ref = b.id::text
				WHERE b."providerId" = $2::uuid AND b.status = 'completed' AND v.verified AND v."checkOutAt" < $3::timestamptz
				ON CONFLICT DO NOTHING
				RETURNING 1
			) SELECT count(*)::int AS n FROM ins`,
			claim.id,
			provider.id,
			end,
		)
		await audit({ actor: user, action: 'subsidy.claim_prepare', entityType: 'subsidy_claim', entityId: claim.id, districtId: provider.districtId, details: { month, added: added?.n ?? 0 } }, tx)
		return { claimId: claim.id, added: added?.n ?? 0, closed: false }
	})
	if (result.closed) return fail('subsidies:errors.claimClosed', 409)
	return { ok: true, value: { claimId: result.claimId, added: result.added } }
}

function claimScope(user: SessionUser) {
	if (user.role === 'provider_staff') return { providerId: user.providerId ?? '00000000-0000-0000-0000-000000000000' }
	if (isCityWide(user)) return {}
	if (user.role === 'bureau_district') return { districtId: user.districtId ?? '-' }
	return { id: '00000000-0000-0000-0000-000000000000' }
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
	const claim = await prisma.subsidyClaim.findUnique({ where: { id: claimId }, select: { id: true, districtId: true, totalFen: true, lineCount: true } })
	if (!claim) return fail('subsidies:errors.notInScope', 404)
	if (!canActInDistrict(user, claim.districtId)) return fail('subsidies:errors.otherDistrict', 403)
	if (claim.lineCount === 0) return fail('subsidies:errors.claimEmpty', 409)
	const done = await prisma.$transaction(async (tx) => {
		const { count } = await tx.subsidyClaim.updateMany({ where: { id: claim.id, status: 'submitted' }, data: { status: 'approved', reviewedById: user.id, reviewedAt: new Date(), reviewNote: note || null } })
		if (count === 0) return false
		const fresh = await tx.subsidyClaim.findUniqueOrThrow({ where: { id: claim.id }, select: { totalFen: true, lineCount: true } })
		await audit({ actor: user, action: 'subsidy.claim_approve', entityType: 'subsidy_claim', entityId: claim.id, districtId: claim.districtId, ip, details: { totalFen: Number(fresh.totalFen), lines: fresh.lineCount, note } }, tx)
		return true
	})
	if (!done) return fail('subsidies:errors.outOfOrder', 409)
	return { ok: true, value: null }
}

/** CSV for the finance office (UTF-8 with BOM so spreadsheet programs read the Chinese). Approved claims only. */
export async function exportClaimCsv(user: SessionUser, claimId: string, ip: string | null): Promise<{ filename: string; body: string } | null> {
	const claim = await getClaim(user, claimId)
	if (!claim || claim.status !== 'approved') return null
	const rows = claim.lines.map((l) => [claim.provider?.name ?? '', claim.provider?.licenceNo ?? '', claim.month, l.serviceDate, l.bookingId, l.visitId, l.elderName, l.elderIdMasked, l.category, (l.amountFen / 100).toFixed(2)])
	const body = stringify([['服务商 provider', '许可证号 licence', '结算月份 month', '服务日期 service date', '订单 booking', '服务记录 visit', '老人 elder', '身份证号 ID (masked)', '服务类别 category', '补贴金额(元) subsidy CNY'], ...rows, ['合计 total', '', claim.month, '', '', '', '', '', String(claim.lineCount), (claim.totalFen / 100).toFixed(2)]])
	await audit({ actor: user, action: 'subsidy.claim_export', entityType: 'subsidy_claim', entityId: claim.id, districtId: claim.districtId, ip, details: { lines: claim.lineCount } })
	return { filename: `subsidy-claim-${claim.month}-${claim.id.slice(0, 8)}.csv`, body: `\uFEFF${body}` }
}
