// The officer's home page says what waits in each of their queues, counted as the queue's own page
// lists it: a community officer's residences to verify, families' link requests and personal
// information requests; nothing for families or visitors; an empty queue is left out.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import * as claimsPage from '~/routes/elders.claims.tsx'
import * as eldersList from '~/routes/elders._index.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import * as home from '~/routes/_index.tsx'
import * as bookingsPage from '~/routes/bookings._index.tsx'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import * as myRequests from '~/routes/account.requests.tsx'
import * as rightsQueue from '~/routes/registry.requests.tsx'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { makeFamily, makeProvider, slotAt } from '../factories/marketplace.ts'
import { makeOfficer, makePlace } from '../factories/registry.ts'
import { anonymous, callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

type Waiting = { key: string; to: string; count: number; capped: boolean }
let seq = 700
const freshIdNumber = () => makeIdNumber('420802', '1939-03-02', seq++ + (process.pid % 200))

const waitingOf = async (as: Visitor) => (await callLoader<{ waiting: Waiting[] }>(home, '/', { as })).data.waiting
const countOf = (waiting: Waiting[], key: string) => waiting.find((w) => w.key === key)?.count ?? 0

async function familyAdding(communityId: string, idNumber: string, name: string) {
	const user = await makeUser({ role: 'family', name })
	const as = await signIn(user)
	const res = await callAction(newElder, '/elders/new', { idNumber, name: '钱秀珍', relationship: 'child', districtId: 'dongbao', communityId, elderConsent: 'on' }, { as })
	expect(res.status).toBe(302)
	return as
}

describe('what waits for an officer', () => {
	it('counts each queue as its page lists it, follows the work as it is done, and leaves empty queues out', async () => {
		const { community } = await makePlace('dongbao')
		const officer = await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: community.id }))
		// A new community: nothing waits yet.
		expect(await waitingOf(officer)).toEqual([])

		// A family registers an elder (the residence waits for verification), a second family asks to be
		// linked to the same elder, and the first asks for a copy of the record.
		const idNumber = freshIdNumber()
		const first = await familyAdding(community.id, idNumber, '第一家属')
		await familyAdding(community.id, idNumber, '第二家属')
		const elder = await prisma.elder.findUniqueOrThrow({ where: { idNumberHash: hashIdNumber(idNumber) }, select: { id: true } })
		expect((await callAction(myRequests, '/account/requests', { intent: 'file', formId: 'file-request', elderId: elder.id, kind: 'copy' }, { as: first })).status).toBe(200)

		const waiting = await waitingOf(officer)
		expect(waiting.map((w) => w.key)).toEqual(['residence', 'claims', 'rights'])
		expect(waiting.find((w) => w.key === 'residence')).toMatchObject({ to: '/elders?residence=unverified', count: 1, capped: false })
		// The same numbers as the queues' own pages.
		const unverified = (await callLoader<{ elders: unknown[] }>(eldersList, '/elders?residence=unverified', { as: officer })).data.elders
		expect(countOf(waiting, 'residence')).toBe(unverified.length)
		expect(countOf(waiting, 'claims')).toBe((await callLoader<{ claims: unknown[] }>(claimsPage, '/elders/claims', { as: officer })).data.claims.length)
		expect(countOf(waiting, 'rights')).toBe((await callLoader<{ open: unknown[] }>(rightsQueue, '/registry/requests', { as: officer })).data.open.length)

		// Done work leaves: the residence verified, the request answered.
		expect((await callAction(await import('~/routes/elders.$elderId.tsx'), `/elders/${elder.id}`, { intent: 'verify-residence', decision: 'verify' }, { as: officer, params: { elderId: elder.id } })).status).toBe(200)
		const request = await prisma.rightsRequest.findFirstOrThrow({ where: { elderId: elder.id, status: 'open' }, select: { id: true } })
		expect((await callAction(rightsQueue, '/registry/requests', { requestId: request.id, decision: 'fulfil' }, { as: officer })).status).toBe(200)
		expect((await waitingOf(officer)).map((w) => w.key)).toEqual(['claims'])

		// Another community's officer sees none of it; families and visitors have no queues.
		const other = await makePlace('dongbao')
		expect(await waitingOf(await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: other.community.id })))).toEqual([])
		expect(await waitingOf(first)).toEqual([])
		expect(await waitingOf(await anonymous())).toEqual([])
	})

	it('tells a provider’s staff how many bookings wait for confirmation, leading to just those', async () => {
		const provider = await makeProvider({ autoConfirm: false, capacity: 3 })
		const staff = await signIn(provider.staffPhone)
		expect(await waitingOf(staff)).toEqual([])
		for (const n of [1, 2]) {
			const family = await makeFamily()
			const made = await createBooking(await sessionUser(family.phone), provider.offeringId, {
				idempotencyKey: crypto.randomUUID().replaceAll('-', ''),
				elderId: family.elderId,
				startsAt: slotAt(n + 2),
				expectedPriceFen: provider.priceFen,
				expectedCopayFen: provider.priceFen,
				serviceAddress: '东宝区龙泉社区3栋2单元',
				note: '',
			})
			expect(made.ok).toBe(true)
		}
		const waiting = await waitingOf(staff)
		expect(waiting).toEqual([{ key: 'bookingsToConfirm', to: '/bookings?status=requested', count: 2, capped: false }])
		const listed = await callLoader<{ bookings: { status: string }[]; status: string | null }>(bookingsPage, '/bookings?status=requested', { as: staff })
		expect(listed.data.status).toBe('requested')
		expect(listed.data.bookings.map((b) => b.status)).toEqual(['requested', 'requested'])
		// A status the page does not know shows them all.
		expect((await callLoader<{ status: string | null }>(bookingsPage, '/bookings?status=%00', { as: staff })).data.status).toBeNull()
	})

	it('gives bureau officers their own queues only', async () => {
		const district = await signIn(await makeOfficer({ role: 'bureau_district', districtId: 'dongbao' }))
		const keys = (await waitingOf(district)).map((w) => w.key)
		for (const key of keys) expect(['subsidyApprovals', 'residence', 'claims', 'rights', 'statusReview', 'dueProcess', 'providers', 'disputes']).toContain(key)
		const city = await signIn('13800000041')
		for (const w of await waitingOf(city)) expect(w.count).toBeGreaterThan(0)
	})
})
