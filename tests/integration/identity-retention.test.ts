// PIPL art. 47: a deceased elder's readable identity number and bank card are erased once the period
// the bureau set (two city officers) has passed since the death; none set, nothing is erased. The
// sweep keeps the hash, the mask and the records, waits for money still owed, and runs once a day
// (the retention job) without erasing anything twice.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { fromShanghai } from '~/lib/time.ts'
import { applyRetention } from '~/modules/accounts/retention.server.ts'
import { encryptCardNumber } from '~/modules/allowance/card-crypto.server.ts'
import { makeCardNumber, maskCard } from '~/modules/allowance/card.ts'
import { eraseDeceasedIdentities, erasableDiedOnOrBefore } from '~/modules/elders/identity-retention.server.ts'
import * as allowanceElder from '~/routes/allowance.elders.$elderId.tsx'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as retentionPage from '~/routes/bureau.retention.tsx'
import { ALLOWANCE_CHECKER, ALLOWANCE_MAKER } from '../factories/allowance.ts'
import { makeRegisteredElder } from '../factories/beds.ts'
import { makeOfficer } from '../factories/registry.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const text = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data))
// The sweep's day, given: the test never depends on the clock.
const TODAY = '2026-12-01'
let cardSeq = 0

/** A registered elder who died on `diedOn`, with a bank card recorded. */
async function deceased(diedOn: string) {
	const elder = await makeRegisteredElder('冯桂香')
	const card = makeCardNumber('621799', 19, (k) => String(process.pid * 1000 + cardSeq++).padStart(k, '0').slice(-k))
	await prisma.elder.update({
		where: { id: elder.id },
		data: { deathDate: new Date(`${diedOn}T00:00:00Z`), bankCardCipher: encryptCardNumber(card), bankCardRef: maskCard(card), bankName: '中国邮政储蓄银行', bankAccountHolder: '冯桂香', bankCardRecordedAt: new Date() },
	})
	return elder
}

const held = async (id: string) => {
	const e = await prisma.elder.findUniqueOrThrow({ where: { id }, select: { idNumberCipher: true, idNumberErasedAt: true, bankCardCipher: true, bankCardRef: true, idNumberHash: true, idNumberMasked: true, name: true } })
	return e
}

const propose = (as: Visitor, deceasedYears: string) => callAction(retentionPage, '/bureau/retention', { formId: 'retention', deceasedYears }, { as })
const decide = (as: Visitor, changeId: string, decision: 'approve' | 'reject') => callAction(retentionPage, '/bureau/retention', { formId: 'decide-change', changeId, decision }, { as })

/** The period in force, set by the demo's two city officers. */
async function setPeriod(years: string) {
	const maker = await signIn(ALLOWANCE_MAKER)
	const checker = await signIn(ALLOWANCE_CHECKER)
	expect((await propose(maker, years)).status).toBe(200)
	const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'identity_retention', status: 'pending' }, orderBy: { proposedAt: 'desc' } })
	expect((await decide(checker, change.id, 'approve')).status).toBe(200)
	return { maker, checker }
}

describe('the period the bureau sets', () => {
	it('is proposed by one city officer and approved by another; bounded; others refused; audited', async () => {
		const maker = await signIn(ALLOWANCE_MAKER)
		const checker = await signIn(ALLOWANCE_CHECKER)
		for (const bad of ['4', '31', '7.5', '', 'forever']) {
			const res = await propose(maker, bad)
			expect(res.status).toBe(400)
			expect(text(res.data)).toContain('retention.errors.years')
		}
		const district = await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' }))
		expect((await propose(district, '10')).status).toBe(403)
		expect((await callLoader(retentionPage, '/bureau/retention', { as: district })).status).toBe(200)
		expect((await callLoader(retentionPage, '/bureau/retention', { as: await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao' })) })).status).toBe(403)
		expect(await prisma.pendingChange.count({ where: { kind: 'identity_retention' } })).toBe(0)

		expect((await propose(maker, '10')).status).toBe(200)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'identity_retention', status: 'pending' } })
		// Not in force until a second officer approves it; the proposer cannot.
		expect(await prisma.identityRetention.count()).toBe(0)
		expect((await decide(maker, change.id, 'approve')).status).toBe(403)
		expect((await decide(district, change.id, 'approve')).status).toBe(403)
		expect((await decide(checker, change.id, 'approve')).status).toBe(200)
		expect((await decide(checker, change.id, 'approve')).status).toBe(409)
		const inForce = await prisma.identityRetention.findFirstOrThrow({ orderBy: { createdAt: 'desc' } })
		expect(inForce).toMatchObject({ deceasedYears: 10, proposedById: maker.userId, approvedById: checker.userId })
		expect(await prisma.auditLog.count({ where: { action: 'retention.period_version', entityId: inForce.id, actorId: checker.userId } })).toBe(1)
		const page = await callLoader(retentionPage, '/bureau/retention', { as: maker })
		expect(text(page.data)).toContain('"years":10')

		// Back to keeping: "keep" is a period too, approved the same way.
		await setPeriod('keep')
		expect((await prisma.identityRetention.findFirstOrThrow({ orderBy: { createdAt: 'desc' } })).deceasedYears).toBeNull()
		// The database holds the two-person rule and the bounds itself.
		await expect(prisma.identityRetention.create({ data: { deceasedYears: 10, proposedById: maker.userId!, approvedById: maker.userId! } })).rejects.toThrow(/identity_retention_two_people/)
		await expect(prisma.identityRetention.create({ data: { deceasedYears: 3, proposedById: maker.userId!, approvedById: checker.userId! } })).rejects.toThrow(/identity_retention_years_range/)
	})
})

describe('the sweep', () => {
	it('erases nothing while no period is set', async () => {
		const elder = await deceased('1990-01-01')
		expect(await eraseDeceasedIdentities(TODAY)).toBe(0)
		expect((await held(elder.id)).idNumberCipher).not.toBeNull()
	})

	it('erases the number and card once the full years have passed, a day either side; keeps the hash, the mask and the record; waits for money owed; twice is once', async () => {
		await setPeriod('10')
		const boundary = erasableDiedOnOrBefore(TODAY, 10)
		expect(boundary).toBe('2016-12-01')
		const dueToday = await deceased('2016-12-01')
		const dayLater = await deceased('2016-12-02')
		const longAgo = await deceased('2001-03-15')
		const living = await makeRegisteredElder('冯桂香')
		// A payment the bank returned is still owed (to the heirs): kept until it settles.
		const owed = await deceased('2005-06-01')
		const run = await prisma.allowanceRun.create({ data: { month: '2005-05', status: 'disbursed' }, select: { id: true } })
		const payment = await prisma.allowancePayment.create({ data: { runId: run.id, elderId: owed.id, month: '2005-05', kind: 'regular', tier: 90, amountFen: 20000, districtId: 'dongbao', status: 'returned' }, select: { id: true } })
		const before = await held(dueToday.id)

		const erased = await eraseDeceasedIdentities(TODAY)
		expect(erased).toBeGreaterThanOrEqual(2)
		const after = await held(dueToday.id)
		expect(after).toMatchObject({ idNumberCipher: null, bankCardCipher: null, bankCardRef: null, name: '冯桂香', idNumberMasked: before.idNumberMasked })
		expect(after.idNumberErasedAt).not.toBeNull()
		expect(Buffer.from(after.idNumberHash).equals(Buffer.from(before.idNumberHash))).toBe(true)
		expect((await held(longAgo.id)).idNumberCipher).toBeNull()
		expect((await held(dayLater.id)).idNumberCipher).not.toBeNull()
		expect((await held(dayLater.id)).bankCardCipher).not.toBeNull()
		expect((await held(living.id)).idNumberCipher).not.toBeNull()
		expect((await held(owed.id)).idNumberCipher).not.toBeNull()
		const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'registry.identity_erased' }, orderBy: { id: 'desc' } })
		expect(text(entry.details)).toContain(dueToday.id)
		expect(text(entry.details)).not.toContain(dayLater.id)

		// Twice is once; the day after, the next one's turn; settled money lets the owed one go, through the daily job's function.
		expect(await eraseDeceasedIdentities(TODAY)).toBe(0)
		await prisma.allowancePayment.update({ where: { id: payment.id }, data: { status: 'paid', paidAt: new Date() } })
		const nextDay = await applyRetention(fromShanghai('2026-12-02', '03:30'))
		expect(nextDay.deceasedIdentities).toBeGreaterThanOrEqual(2)
		expect((await held(dayLater.id)).idNumberCipher).toBeNull()
		expect((await held(owed.id)).idNumberCipher).toBeNull()

		// What the officers meet afterwards: no number to reveal (410, nothing audited), the erasure said on the page, no card to record.
		const officer = await signIn(ALLOWANCE_MAKER)
		const reveals = () => prisma.auditLog.count({ where: { action: 'pii.reveal_id_number', entityId: dueToday.id } })
		expect((await callAction(elderPage, `/elders/${dueToday.id}`, { intent: 'reveal' }, { as: officer, params: { elderId: dueToday.id } })).status).toBe(410)
		expect(await reveals()).toBe(0)
		const page = await callLoader(elderPage, `/elders/${dueToday.id}`, { as: officer, params: { elderId: dueToday.id } })
		expect(text(page.data)).toMatch(/"idNumberErasedAt":"\d{4}-/)
		const card = makeCardNumber('621799', 19, (k) => String(process.pid * 1000 + cardSeq++).padStart(k, '0').slice(-k))
		const recorded = await callAction(allowanceElder, `/allowance/elders/${dueToday.id}`, { intent: 'card', formId: 'card', cardNumber: card, bankName: '中国邮政储蓄银行' }, { as: officer, params: { elderId: dueToday.id } })
		expect(recorded.status).toBe(409)
		expect(text(recorded.data)).toContain('allowance:errors.card.idErased')
		expect((await held(dueToday.id)).bankCardCipher).toBeNull()
	})
})
