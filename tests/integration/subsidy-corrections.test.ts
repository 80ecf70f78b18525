// Corrections in settlement, against the real database (modules, loaders and actions called directly): the bureau rejecting a flagged
// visit gives the captured credit back (once) and keeps it out of claims; a returned claim frees its
// visits for a corrected claim, and the database never lets a visit sit in two live claims.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { reverseForBooking } from '~/modules/subsidies/booking.server.ts'
import { reviewVisit } from '~/modules/marketplace/visits.server.ts'
import { shanghaiMonth } from '~/lib/time.ts'
import { expireMonth, grantBalance, ledgerDiscrepancies, pgSql } from '~/modules/subsidies/ledger.server.ts'
import { approveClaim, prepareClaim, rejectClaim } from '~/modules/subsidies/settlement.server.ts'
import * as bureauVisits from '~/routes/bureau.visits.tsx'
import * as notifications from '~/routes/notifications.tsx'
import * as claimPage from '~/routes/subsidies.claims.$claimId.tsx'
import { completedVisit, elderWithCredit, newProviderStaff, sessionUser } from '../factories/subsidies.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'


describe('a flagged visit rejected by the bureau', () => {
	it('returns the captured credit to the elder once, audits it, tells the family, and is never claimed', async () => {
		const staff = await newProviderStaff('reject-visit')
		const { elderId, grantId, family } = await elderWithCredit('13800000001', 'reject-visit')
		const { bookingId, visitId } = await completedVisit(staff, family, elderId, '2026-04-14', { flagged: true })
		// Captured at check-out although the visit is flagged.
		expect(await grantBalance(pgSql(), grantId)).toEqual({ availableFen: 20_400, heldFen: 0 })
		expect(await prisma.ledgerTxn.count({ where: { ref: bookingId, kind: 'capture' } })).toBe(1)
		// Flagged and waiting: not claimable yet.
		expect(await prepareClaim(staff, '2026-04')).toMatchObject({ ok: true, value: { added: 0 } })

		// An officer of another district cannot see it; the Dongbao officer rejects it over HTTP.
		const other = await signIn('13800000032')
		expect((await callAction(bureauVisits, '/bureau/visits', { visitId, decision: 'reject', note: '定位不符' }, { as: other })).status).toBe(404)
		expect(await grantBalance(pgSql(), grantId)).toEqual({ availableFen: 20_400, heldFen: 0 })
		const officer = await signIn('13800000031')
		expect((await callLoader(bureauVisits, '/bureau/visits', { as: officer })).status).toBe(200)
		expect((await callAction(bureauVisits, '/bureau/visits', { visitId, decision: 'reject', note: '定位不符' }, { as: officer })).status).toBe(200)
		expect(await grantBalance(pgSql(), grantId)).toEqual({ availableFen: 30_000, heldFen: 0 })

		// Rejecting twice reverses once (the second review is refused; the ledger call itself is idempotent too).
		expect((await callAction(bureauVisits, '/bureau/visits', { visitId, decision: 'reject', note: '再次' }, { as: officer })).status).toBe(404)
		const family1 = await prisma.user.findUniqueOrThrow({ where: { id: family.id }, select: { id: true } })
		expect(await prisma.$transaction((tx) => reverseForBooking(tx, { id: bookingId, familyUserId: family1.id, elderName: 'x' }))).toBeNull()
		await expect(prisma.$executeRawUnsafe(`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen") VALUES ('reversal', $1::uuid, $2, 9600)`, grantId, bookingId)).rejects.toThrow()
		const reversals = await prisma.ledgerTxn.findMany({ where: { ref: bookingId, kind: 'reversal' }, select: { amountFen: true, entries: { select: { amountFen: true, account: { select: { kind: true } } } } } })
		expect(reversals).toHaveLength(1)
		expect(Number(reversals[0]!.amountFen)).toBe(9_600)
		expect(reversals[0]!.entries.reduce((s, e) => s + Number(e.amountFen), 0)).toBe(0)
		expect(reversals[0]!.entries.map((e) => [e.account.kind, Number(e.amountFen)]).sort()).toEqual([['elder_available', 9_600], ['spent', -9_600]])
		// A reversal with no capture behind it is refused by the database.
		await expect(prisma.$executeRawUnsafe(`INSERT INTO ledger_txn (kind, "grantId", ref, "amountFen") VALUES ('reversal', $1::uuid, $2, 100)`, grantId, '00000000-0000-0000-0000-000000000000')).rejects.toThrow(/reverses no matching capture/)
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])

		// Audited as a money decision; the family is told.
		const audits = await prisma.auditLog.findMany({ where: { action: 'subsidy.capture_reversed', entityId: bookingId }, select: { actorId: true, details: true } })
		expect(audits).toHaveLength(1)
		expect(audits[0]!.details).toMatchObject({ visitId, amountFen: 9_600, serviceMonth: '2026-04' })
		expect(await prisma.notification.count({ where: { userId: family.id, kind: 'subsidy.visit_rejected' } })).toBe(1)
		const inbox = await callLoader(notifications, '/notifications', { as: await signIn('13800000001') })
		expect(JSON.stringify(inbox.data)).toContain('96.00')

		// Never claimable, however the claim is prepared.
		expect(await prepareClaim(staff, '2026-04')).toMatchObject({ ok: true, value: { added: 0 } })
		expect(await prisma.subsidyClaimLine.count({ where: { bookingId } })).toBe(0)
	})
})

describe('a rejection after the month ended, under a policy that lapses unused credit', () => {
	it('returns the credit to this month, where it lapses at this month end like any other credit', async () => {
		const staff = await newProviderStaff('reject-late')
		const { elderId, grantId, family } = await elderWithCredit('13800000002', 'reject-late', { expires: true })
		const { bookingId, visitId } = await completedVisit(staff, family, elderId, '2026-06-10', { flagged: true })
		// June is long over (its expiry, had there been June credit, has run).
		expect(await expireMonth(pgSql(), '2026-06', { grantId })).toEqual({ expired: 0, totalFen: 0 })
		expect(await grantBalance(pgSql(), grantId)).toEqual({ availableFen: 20_400, heldFen: 0 })
		expect(await reviewVisit(await sessionUser('13800000031'), visitId, false, '未上门', null)).toBe(true)
		expect(await grantBalance(pgSql(), grantId)).toEqual({ availableFen: 30_000, heldFen: 0 })
		const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'subsidy.capture_reversed', entityId: bookingId }, select: { details: true } })
		expect(audit.details).toMatchObject({ serviceMonth: '2026-06', creditedMonth: shanghaiMonth(), amountFen: 9_600 })
		// At this month's end the returned credit lapses with the rest of the month's credit.
		expect(await expireMonth(pgSql(), shanghaiMonth(), { grantId })).toEqual({ expired: 1, totalFen: 30_000 })
		expect(await grantBalance(pgSql(), grantId)).toEqual({ availableFen: 0, heldFen: 0 })
		expect(await ledgerDiscrepancies(pgSql())).toEqual([])
	})
})

describe('returning a settlement claim', () => {
	it('needs a reason and an officer of the district, frees the lines for a corrected claim, and the database keeps one live claim per visit', async () => {
		const staff = await newProviderStaff('reject-claim')
		const { elderId, family } = await elderWithCredit('13800000002', 'reject-claim')
		const { bookingId, visitId } = await completedVisit(staff, family, elderId, '2026-05-12', { flagged: false })
		const prepared = await prepareClaim(staff, '2026-05')
		expect(prepared).toMatchObject({ ok: true, value: { added: 1 } })
		const claimId = prepared.ok ? prepared.value.claimId : ''

		const zhongxiang = await sessionUser('13800000032')
		expect(await rejectClaim(zhongxiang, claimId, '金额有误', null)).toMatchObject({ ok: false, status: 403 })
		expect(await rejectClaim(staff, claimId, '金额有误', null)).toMatchObject({ ok: false, status: 403 })
		const officer = await signIn('13800000031')
		const claimPath = `/subsidies/claims/${claimId}`
		const params = { claimId }
		expect((await callLoader(claimPage, claimPath, { as: officer, params })).status).toBe(200)
		expect((await callAction(claimPage, claimPath, { intent: 'shred', note: 'x' }, { as: officer, params })).status).toBe(400)
		const blank = await callAction(claimPage, claimPath, { intent: 'reject', note: '  ' }, { as: officer, params })
		expect(blank.status).toBe(400)
		expect(await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId }, select: { status: true } })).toEqual({ status: 'submitted' })
		const rejected = await callAction(claimPage, claimPath, { intent: 'reject', note: '服务记录与排班不符' }, { as: officer, params })
		expect(rejected.status).toBe(200)
		expect(await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId }, select: { status: true, reviewNote: true } })).toEqual({ status: 'rejected', reviewNote: '服务记录与排班不符' })
		expect(await prisma.subsidyClaimLine.findMany({ where: { claimId }, select: { active: true } })).toEqual([{ active: false }])
		expect(await prisma.auditLog.count({ where: { action: 'subsidy.claim_reject', entityId: claimId } })).toBe(1)
		expect(await prisma.notification.count({ where: { providerId: staff.providerId!, kind: 'subsidy.claim_rejected' } })).toBe(1)
		// The provider must act: its manager gets a text.
		expect(await prisma.outbox.count({ where: { toPhone: staff.phone, template: 'subsidy.claim_rejected' } })).toBe(1)
		// A returned claim cannot be approved or returned again.
		const dongbao = await sessionUser('13800000031')
		expect(await approveClaim(dongbao, claimId, '', null)).toMatchObject({ ok: false, status: 409 })
		expect(await rejectClaim(dongbao, claimId, '再次', null)).toMatchObject({ ok: false, status: 409 })
		// ... nor reopened behind the module's back.
		await expect(prisma.$executeRawUnsafe(`UPDATE subsidy_claim SET status = 'submitted' WHERE id = $1::uuid`, claimId)).rejects.toThrow()
		await expect(prisma.$executeRawUnsafe(`UPDATE subsidy_claim_line SET active = true WHERE "claimId" = $1::uuid`, claimId)).rejects.toThrow()

		// The corrected claim takes the visit again.
		const corrected = await prepareClaim(staff, '2026-05')
		expect(corrected).toMatchObject({ ok: true, value: { added: 1 } })
		const correctedId = corrected.ok ? corrected.value.claimId : ''
		expect(correctedId).not.toBe(claimId)
		expect(await prisma.subsidyClaimLine.count({ where: { visitId, active: true } })).toBe(1)
		// The database refuses the visit in a second live claim, and a second live claim for the month.
		const line = await prisma.subsidyClaimLine.findFirstOrThrow({ where: { claimId: correctedId } })
		await expect(prisma.subsidyClaimLine.create({ data: { claimId: correctedId, bookingId, visitId, elderId: line.elderId, category: 'meals', amountFen: 1, serviceDate: line.serviceDate } })).rejects.toThrow()
		await expect(prisma.$executeRawUnsafe(`INSERT INTO subsidy_claim (id, "providerId", month, "districtId") VALUES (gen_random_uuid(), $1::uuid, '2026-05-01', 'dongbao')`, staff.providerId!)).rejects.toThrow()
		expect(await approveClaim(dongbao, correctedId, '已更正', null)).toMatchObject({ ok: true })
		const row = await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: correctedId }, select: { totalFen: true, lineCount: true } })
		expect({ totalFen: Number(row.totalFen), lineCount: row.lineCount }).toEqual({ totalFen: 9_600, lineCount: 1 })
	})
})
