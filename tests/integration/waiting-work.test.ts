// The officer's home page says what waits in each of their queues, counted as the queue's own page
// lists it: a community officer's residences to verify, families' link requests and personal
// information requests; a family's residence checks that wait for its documents; nothing for visitors; an empty queue is left out.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'
import * as claimsPage from '~/routes/elders.claims.tsx'
import * as eldersList from '~/routes/elders._index.tsx'
import * as newElder from '~/routes/elders.new.tsx'
import * as home from '~/routes/_index.tsx'
import * as bookingsPage from '~/routes/bookings._index.tsx'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { cancelBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { comingBookings } from '~/modules/marketplace/booking-read.server.ts'
import { checkIn } from '~/modules/marketplace/visits.server.ts'
import * as myRequests from '~/routes/account.requests.tsx'
import * as rightsQueue from '~/routes/registry.requests.tsx'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { makeFamily, makeProvider, slotAt } from '../factories/marketplace.ts'
import { makeOfficer, makePlace } from '../factories/registry.ts'
import { anonymous, callAction, callLoader, signIn, type RouteModule, type Visitor } from '../setup/route.ts'

type Waiting = { key: string; to: string; count: number }
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
		expect(waiting.find((w) => w.key === 'residence')).toMatchObject({ to: '/elders?residence=unverified', count: 1 })
		// The same numbers as the queues' own pages.
		const unverified = (await callLoader<{ elders: unknown[] }>(eldersList, '/elders?residence=unverified', { as: officer })).data.elders
		expect(countOf(waiting, 'residence')).toBe(unverified.length)
		expect(countOf(waiting, 'claims')).toBe((await callLoader<{ claims: unknown[] }>(claimsPage, '/elders/claims', { as: officer })).data.claims.length)
		expect(countOf(waiting, 'rights')).toBe((await callLoader<{ open: unknown[] }>(rightsQueue, '/registry/requests', { as: officer })).data.open.length)

		// The officer cannot verify the residence yet and says why: now the families have something to do,
		// and their home page leads to the elder with the note; the officer's queue keeps the residence.
		const elderPage = await import('~/routes/elders.$elderId.tsx')
		expect(await waitingOf(first)).toEqual([])
		expect((await callAction(elderPage, `/elders/${elder.id}`, { intent: 'verify-residence', decision: 'reject', note: '请携带户口簿到社区' }, { as: officer, params: { elderId: elder.id } })).status).toBe(200)
		expect(await waitingOf(first)).toEqual([{ key: 'residenceNotes', to: '/elders?residence=unverified', count: 1 }])
		const mine = (await callLoader<{ elders: { id: string; residenceNote: string | null }[] }>(eldersList, '/elders?residence=unverified', { as: first })).data.elders
		expect(mine.map((e) => [e.id, e.residenceNote])).toEqual([[elder.id, '请携带户口簿到社区']])
		expect(countOf(await waitingOf(officer), 'residence')).toBe(1)

		// Done work leaves: the residence verified, the request answered.
		expect((await callAction(elderPage, `/elders/${elder.id}`, { intent: 'verify-residence', decision: 'verify' }, { as: officer, params: { elderId: elder.id } })).status).toBe(200)
		expect(await waitingOf(first)).toEqual([])
		const request = await prisma.rightsRequest.findFirstOrThrow({ where: { elderId: elder.id, status: 'open' }, select: { id: true } })
		expect((await callAction(rightsQueue, '/registry/requests', { requestId: request.id, decision: 'fulfil' }, { as: officer })).status).toBe(200)
		expect((await waitingOf(officer)).map((w) => w.key)).toEqual(['claims'])

		// Another community's officer sees none of it; families and visitors have no queues.
		const other = await makePlace('dongbao')
		expect(await waitingOf(await signIn(await makeOfficer({ role: 'community_officer', districtId: 'dongbao', communityId: other.community.id })))).toEqual([])
		expect(await waitingOf(await anonymous())).toEqual([])
	})

	it('tells a provider’s staff how many bookings wait for confirmation, and a family what it has to pay, leading to just those', async () => {
		const provider = await makeProvider({ autoConfirm: false, capacity: 3 })
		const staff = await signIn(provider.staffPhone)
		expect(await waitingOf(staff)).toEqual([])
		let lastFamily: Awaited<ReturnType<typeof makeFamily>> | undefined
		for (const n of [1, 2]) {
			const family = await makeFamily()
			lastFamily = family
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
		expect(waiting).toEqual([{ key: 'bookingsToConfirm', to: '/bookings?status=requested', count: 2 }])
		const listed = await callLoader<{ bookings: { status: string }[]; status: string | null }>(bookingsPage, '/bookings?status=requested', { as: staff })
		expect(listed.data.status).toBe('requested')
		expect(listed.data.bookings.map((b) => b.status)).toEqual(['requested', 'requested'])
		// The last family has its co-pay to pay: its home page says so, leading to just that booking.
		const payer = await signIn(lastFamily!.phone)
		expect(await waitingOf(payer)).toEqual([{ key: 'bookingsToPay', to: '/bookings?pay=due', count: 1 }])
		const due = await callLoader<{ bookings: { paymentStatus: string }[]; paymentDue: boolean }>(bookingsPage, '/bookings?pay=due', { as: payer })
		expect(due.data.paymentDue).toBe(true)
		expect(due.data.bookings.map((b) => b.paymentStatus)).toEqual(['awaiting'])
		// A status the page does not know shows them all.
		expect((await callLoader<{ status: string | null }>(bookingsPage, '/bookings?status=%00', { as: staff })).data.status).toBeNull()
	})

	it('tells an institution’s staff the stay requests to decide and the complaints to answer, as their pages list them; answered, the complaint waits for the district', async () => {
		const staff = await signIn('13800000012')
		const district = await signIn('13800000031')
		const institution = await prisma.user.findFirstOrThrow({ where: { phone: '13800000012' }, select: { providerId: true } })
		const providerId = institution.providerId!
		const family = await makeFamily()
		const today = new Date()
		await prisma.stayRequest.create({ data: { familyUserId: family.userId, elderId: family.elderId, providerId, bedType: 'nursing', desiredStartOn: today } })
		const complaint = await prisma.complaint.create({
			data: { providerId, districtId: 'dongbao', familyUserId: family.userId, subject: 'general', category: 'service_quality', text: '护理员态度不好', ackDueOn: today, resolveDueOn: today },
			select: { id: true },
		})
		const requestsPage = await callLoader<{ requests: { status: string }[] }>(await import('~/routes/institution.requests.tsx'), '/institution/requests', { as: staff })
		const complaintsRoute = await import('~/routes/complaints.tsx')
		const complaintsOf = async (as: Visitor) => (await callLoader<{ complaints: { status: string }[] }>(complaintsRoute, '/complaints', { as })).data.complaints
		const waiting = await waitingOf(staff)
		expect(countOf(waiting, 'stayRequests')).toBe(requestsPage.data.requests.filter((r) => r.status === 'requested').length)
		expect(countOf(waiting, 'stayRequests')).toBeGreaterThan(0)
		expect(countOf(waiting, 'complaintsToAnswer')).toBe((await complaintsOf(staff)).filter((c) => c.status === 'submitted').length)
		expect(waiting.find((w) => w.key === 'stayRequests')?.to).toBe('/institution/requests')
		const toAnswer = countOf(waiting, 'complaintsToAnswer')
		const toClose = countOf(await waitingOf(district), 'complaintsToClose')
		expect(toClose).toBe((await complaintsOf(district)).filter((c) => c.status !== 'closed').length)

		// Answered, it leaves the institution's list and stays with the district until closed.
		expect((await callAction(complaintsRoute, '/complaints', { intent: 'answer', complaintId: complaint.id, answer: '已与护理员谈话并调整排班' }, { as: staff })).status).toBe(200)
		expect(countOf(await waitingOf(staff), 'complaintsToAnswer')).toBe(toAnswer - 1)
		expect(countOf(await waitingOf(district), 'complaintsToClose')).toBe(toClose)
		expect((await callAction(complaintsRoute, '/complaints', { intent: 'close', complaintId: complaint.id, finding: 'upheld', findingNote: '情况属实，已整改' }, { as: district })).status).toBe(200)
		expect(countOf(await waitingOf(district), 'complaintsToClose')).toBe(toClose - 1)
	})

	it('gives the demo’s assessor and community, township, district and city officers their own queues, each as many as its page lists', async () => {
		type Listed = Record<string, unknown[] | unknown>
		const len = (v: unknown) => (Array.isArray(v) ? v.length : 0)
		const recoveriesPage = await import('~/routes/bureau.allowance.recoveries.tsx')
		let toExport = 0
		const toDecide = (rows: unknown) => (rows as { viewerIsProposer: boolean }[]).filter((c) => !c.viewerIsProposer).length
		const statusCount = (rows: unknown, status: string) => (rows as { status: string }[]).filter((r) => r.status === status).length
		// Each queue's page, and how many items it shows waiting for this officer.
		const pages: Record<string, { route: RouteModule; path: string; items: (data: Listed, role: string) => number }> = {
			reassessments: { route: await import('~/routes/assessments.tsx'), path: '/assessments', items: (d) => len(d.requests) },
			allowanceSettingChanges: { route: await import('~/routes/bureau.allowance.settings.tsx'), path: '/bureau/allowance/settings', items: (d) => toDecide(d.pending) },
			policyChanges: { route: await import('~/routes/subsidies.policies.tsx'), path: '/subsidies/policies', items: (d) => (d.pending as { viewerMayDecide: boolean; viewerIsProposer: boolean }[]).filter((c) => c.viewerMayDecide && !c.viewerIsProposer).length },
			institutionSettingChanges: { route: await import('~/routes/bureau.institution-settings.tsx'), path: '/bureau/institution-settings', items: (d) => toDecide(d.pending) },
			retentionChanges: { route: await import('~/routes/bureau.retention.tsx'), path: '/bureau/retention', items: (d) => toDecide(d.pending) },
			subsidyReview: { route: await import('~/routes/subsidies.review.tsx'), path: '/subsidies/review', items: (d) => len(d.applications) },
			subsidyApprovals: { route: await import('~/routes/subsidies.approvals.tsx'), path: '/subsidies/approvals', items: (d) => len(d.applications) },
			residence: { route: eldersList, path: '/elders?residence=unverified', items: (d) => len(d.elders) },
			claims: { route: claimsPage, path: '/elders/claims', items: (d) => len(d.claims) },
			rights: { route: rightsQueue, path: '/registry/requests', items: (d) => len(d.open) },
			statusReview: { route: await import('~/routes/statuses.review.tsx'), path: '/statuses/review', items: (d) => len(d.rows) },
			dueProcess: { route: await import('~/routes/subsidies.due-process.tsx'), path: '/subsidies/due-process', items: (d) => len(d.objections) + len(d.appeals) + len(d.reviews) },
			subsidyClaims: { route: await import('~/routes/subsidies.claims._index.tsx'), path: '/subsidies/claims', items: (d) => statusCount(d.claims, 'submitted') },
			flaggedVisits: { route: await import('~/routes/bureau.visits.tsx'), path: '/bureau/visits', items: (d) => len(d.visits) },
			recoveries: { route: recoveriesPage, path: '/bureau/allowance/recoveries', items: (d) => (d.rows as { inTransit: boolean }[]).filter((r) => !r.inTransit).length },
			waivers: { route: recoveriesPage, path: '/bureau/allowance/recoveries', items: (d) => toDecide(d.waivers) },
			// The runs page lists runs, not their payments: checked below with a run of its own.
			allowanceToExport: { route: await import('~/routes/bureau.allowance._index.tsx'), path: '/bureau/allowance', items: (_d, role) => (role === 'bureau_city' ? toExport : 0) },
			providers: { route: await import('~/routes/bureau.providers.tsx'), path: '/bureau/providers', items: (d) => len(d.providers) },
			disputes: { route: await import('~/routes/bureau.disputes.tsx'), path: '/bureau/disputes', items: (d) => len(d.bookings) },
			allowanceRuns: { route: await import('~/routes/bureau.allowance._index.tsx'), path: '/bureau/allowance', items: (d) => statusCount(d.runs, 'awaiting_approval') },
			construction: { route: await import('~/routes/bureau.construction.tsx'), path: '/bureau/construction', items: (d, role) => len(role === 'bureau_city' ? d.reviewed : d.submitted) },
			gradings: { route: await import('~/routes/bureau.grading.tsx'), path: '/bureau/grading', items: (d) => len(d.pending) },
			complaintsToClose: { route: await import('~/routes/complaints.tsx'), path: '/complaints', items: (d) => (d.complaints as { status: string }[]).filter((c) => c.status !== 'closed').length },
			findingsToDecide: { route: await import('~/routes/bureau.inspections.tsx'), path: '/bureau/inspections', items: (d) => (d.institutions as { answered: number }[]).reduce((n, i) => n + i.answered, 0) },
			operatingStatements: { route: await import('~/routes/bureau.operating-subsidy.tsx'), path: '/bureau/operating-subsidy', items: (d, role) => statusCount(d.statements, role === 'bureau_city' ? 'reviewed' : 'computed') },
		}
		// Something in more of the queues than the demo leaves there: a disputed visit in 东宝, a run to approve.
		const provider = await makeProvider({ autoConfirm: false })
		const family = await makeFamily()
		// An approved run with a payment in no bank file yet: one run for the city to send to the bank.
		const cityBefore = countOf(await waitingOf(await signIn('13800000041')), 'allowanceToExport')
		const exportRun = await prisma.allowanceRun.create({ data: { month: '2018-01', status: 'rejected' }, select: { id: true } })
		await prisma.allowancePayment.create({ data: { runId: exportRun.id, elderId: family.elderId, month: '2018-01', kind: 'regular', tier: 80, amountFen: 5000, districtId: 'dongbao', status: 'pending' } })
		await sql`UPDATE allowance_run SET status = 'approved' WHERE id = ${exportRun.id}::uuid`.run()
		toExport = cityBefore + 1
		const made = await createBooking(await sessionUser(family.phone), provider.offeringId, { idempotencyKey: crypto.randomUUID().replaceAll('-', ''), elderId: family.elderId, startsAt: slotAt(2), expectedPriceFen: provider.priceFen, expectedCopayFen: provider.priceFen, serviceAddress: '东宝区龙泉社区3栋2单元', note: '' })
		if (!made.ok) throw new Error(JSON.stringify(made))
		await prisma.booking.update({ where: { id: made.value.bookingId }, data: { status: 'disputed' } })
		await prisma.allowanceRun.create({ data: { month: '2019-01', status: 'awaiting_approval', computedAt: new Date(), paymentCount: 0, totalFen: 0 } })
		const mine: Record<string, string[]> = {
			community_officer: ['subsidyReview', 'residence', 'claims', 'rights', 'statusReview', 'dueProcess', 'reassessments'],
			assessor: ['reassessments'],
			township_officer: ['subsidyReview', 'residence', 'claims', 'rights', 'statusReview', 'dueProcess'],
			bureau_district: ['subsidyApprovals', 'residence', 'claims', 'rights', 'statusReview', 'dueProcess', 'subsidyClaims', 'providers', 'disputes', 'flaggedVisits', 'recoveries', 'policyChanges', 'construction', 'complaintsToClose', 'findingsToDecide', 'operatingStatements'],
			bureau_city: ['subsidyApprovals', 'residence', 'claims', 'rights', 'statusReview', 'dueProcess', 'subsidyClaims', 'providers', 'disputes', 'flaggedVisits', 'allowanceRuns', 'allowanceToExport', 'waivers', 'allowanceSettingChanges', 'policyChanges', 'institutionSettingChanges', 'retentionChanges', 'construction', 'gradings', 'operatingStatements'],
		}
		// The second city officer proposes changes for the first to approve (maker/checker); their own wait for someone else.
		const maker = await prisma.user.findFirstOrThrow({ where: { phone: '13800000042' }, select: { id: true } })
		for (const [kind, payload] of [['identity_retention', { deceasedYears: 10 }], ['inspection_limit', { effectiveFrom: '2099-01-01', suspendAfterDays: 45 }], ['allowance_settings', { effectiveMonth: '2099-01' }]] as const)
			await prisma.pendingChange.create({ data: { kind, payload, proposedById: maker.id } })
		// A family asks for a re-assessment of its elder in 东宝 (the demo assessor's organisation works there).
		await prisma.reassessmentRequest.create({ data: { elderId: family.elderId, requestedById: family.userId, reason: '近期跌倒后行动不便' } })
		for (const [phone, role] of [['13800000061', 'assessor'], ['13800000021', 'community_officer'], ['13800000022', 'township_officer'], ['13800000031', 'bureau_district'], ['13800000041', 'bureau_city'], ['13800000042', 'bureau_city']] as const) {
			const as = await signIn(phone)
			const waiting = await waitingOf(as)
			for (const w of waiting) expect(mine[role], `${role}: ${w.key}`).toContain(w.key)
			if (role.startsWith('bureau')) expect(countOf(waiting, 'disputes')).toBeGreaterThan(0)
			if (phone === '13800000041') expect(countOf(waiting, 'allowanceRuns')).toBeGreaterThan(0)
			if (role === 'assessor') expect(countOf(waiting, 'reassessments')).toBeGreaterThan(0)
			for (const key of ['retentionChanges', 'institutionSettingChanges', 'allowanceSettingChanges']) expect(countOf(waiting, key) > 0, `${phone}: ${key}`).toBe(phone === '13800000041')
			// Every queue of the role, empty or not, against its page (an empty one is left out of the home page).
			for (const key of mine[role]!) {
				const page = pages[key]!
				const listed = await callLoader<Listed>(page.route, page.path, { as })
				expect(listed.status).toBe(200)
				expect(countOf(waiting, key), `${role}: ${key}`).toBe(page.items(listed.data, role))
				const w = waiting.find((x) => x.key === key)
				if (w) expect(w.to.split('?')[0]).toBe(page.path.split('?')[0])
			}
		}
	})
})

describe('what comes next for a family', () => {
	it('lists the soonest bookings still ahead or under way, with the caregiver’s arrival; cancelled and past ones are left out; more leads to the rest, soonest first', async () => {
		const provider = await makeProvider()
		const family = await makeFamily()
		const familyUser = await sessionUser(family.phone)
		const book = async (days: number) => {
			const made = await createBooking(familyUser, provider.offeringId, {
				idempotencyKey: crypto.randomUUID().replaceAll('-', ''),
				elderId: family.elderId,
				startsAt: slotAt(days),
				expectedPriceFen: provider.priceFen,
				expectedCopayFen: provider.priceFen,
				serviceAddress: '东宝区龙泉社区3栋2单元',
				note: '',
			})
			if (!made.ok) throw new Error(made.formError ?? 'booking refused')
			return prisma.booking.findUniqueOrThrow({ where: { id: made.value.bookingId }, select: { id: true, startsAt: true, endsAt: true, visitCode: true, status: true } })
		}
		const cancelled = await book(2)
		expect((await cancelBooking(familyUser, cancelled.id, '家里临时有事')).ok).toBe(true)
		const [first, second, third, fourth] = [await book(3), await book(4), await book(5), await book(6)]
		expect(first.status).toBe('confirmed')
		// The caregiver arrives for the first one.
		const arrived = new Date(first.startsAt.getTime() + 60_000)
		const staff = await sessionUser(provider.staffPhone)
		expect((await checkIn(staff, first.id, { intent: 'check-in', method: 'code', code: first.visitCode }, arrived)).ok).toBe(true)

		const during = new Date(arrived.getTime() + 60_000)
		const coming = await comingBookings(familyUser, during)
		expect(coming.bookings.map((b) => b.id)).toEqual([first.id, second.id, third.id])
		expect(coming.more).toBe(true)
		expect(coming.bookings[0]!.status).toBe('in_service')
		expect(coming.bookings[0]!.visit?.checkInAt.toISOString()).toBe(arrived.toISOString())
		expect(coming.bookings[1]!.visit).toBeNull()
		// After the last one ends nothing is ahead; a provider's staff or an officer gets no such list.
		expect((await comingBookings(familyUser, new Date(fourth.endsAt.getTime() + 1))).bookings).toEqual([])
		expect((await comingBookings(staff, during)).bookings).toEqual([])

		// The home page shows them (by the clock: all four are ahead); "more" leads to the rest, soonest first.
		const as = await signIn(family.phone)
		const homePage = await callLoader<{ coming: { bookings: { id: string }[]; more: boolean } }>(home, '/', { as })
		expect(homePage.data.coming.bookings.map((b) => b.id)).toEqual([first.id, second.id, third.id])
		expect(homePage.data.coming.more).toBe(true)
		const upcoming = await callLoader<{ bookings: { id: string }[]; upcoming: boolean }>(bookingsPage, '/bookings?when=upcoming', { as })
		expect(upcoming.data.upcoming).toBe(true)
		expect(upcoming.data.bookings.map((b) => b.id)).toEqual([first.id, second.id, third.id, fourth.id])
		// The whole list stays newest first, the cancelled one with them.
		const all = await callLoader<{ bookings: { id: string }[] }>(bookingsPage, '/bookings', { as })
		expect(all.data.bookings.map((b) => b.id)).toEqual([fourth.id, third.id, second.id, first.id, cancelled.id])
	})
})
