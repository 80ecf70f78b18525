// The elder's one timeline (issue 10 item 9): registration, verification, statuses, assessments, life
// events, allowance months, subsidy grants and services (booking, visit, stay) on the elder's page,
// newest first, each line with who and when; the family sees its elder's lines without officers' or
// caregivers' names, references or evidence; an officer outside the area gets 404; the list is capped
// with a "more". Loader called directly (tests/setup/route.ts); data written straight to the database.
import { describe, expect, it } from 'vitest'
import { prisma, transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { allowanceMonths, elderTimeline } from '~/modules/elders/timeline.server.ts'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import { makeUser } from '../factories/accounts.ts'
import { demoInstitution, makeRoomWithBeds } from '../factories/beds.ts'
import { completedVisit, elderWithCredit, newProviderStaff } from '../factories/subsidies.ts'
import { callLoader, signIn } from '../setup/route.ts'

type Line = { key: string; kind: string; on: string; at: string; who: string | null; params: Record<string, unknown> }
type Page = { timeline: { lines: Line[]; more: boolean; limit: number } }

const OFFICER_NAME = '时间线区干部'

/** An elder with one line of every kind; `month` is the allowance month (one live run per month). */
async function elderWithEverything(month: string) {
	const family = await makeUser({ role: 'family', name: '时间线家属' })
	const officer = await makeUser({ role: 'bureau_district', districtId: 'dongbao', name: OFFICER_NAME })
	const { elderId, grantId } = await elderWithCredit(family.phone, 'timeline')
	await prisma.elder.update({ where: { id: elderId }, data: { createdAt: new Date('2026-01-05T02:00:00Z'), registeredById: officer.id, residenceVerifiedAt: new Date('2026-01-06T02:00:00Z'), residenceVerifiedById: officer.id } })
	await prisma.elderStatus.create({ data: { elderId, kind: 'dibao', validFrom: new Date('2026-02-01'), source: '东民低保〔2026〕9号', recordedById: officer.id, recordedAt: new Date('2026-02-03T02:00:00Z') } })
	await prisma.capabilityAssessment.create({
		data: { elderId, assessorId: officer.id, assessedOn: new Date('2026-03-10'), validUntil: new Date('2027-03-09'), total: 70, baseLevel: 'mild', level: 'mild', createdAt: new Date('2026-03-10T03:00:00Z') },
	})
	await prisma.lifeEvent.create({ data: { elderId, kind: 'moved_in', occurredOn: new Date('2026-04-01'), status: 'recorded', source: 'officer', reference: '迁入证明 2026-17', recordedById: officer.id, createdAt: new Date('2026-04-02T02:00:00Z') } })
	// The age allowance of one month, paid on 2026-05-20.
	const run = await sql`INSERT INTO allowance_run (id, month, status, "approvedById", "approvedAt", "startedAt") VALUES (gen_random_uuid(), ${month}, 'disbursed', ${officer.id}::uuid, '2026-05-05T02:00:00Z', '2026-05-02T02:00:00Z') RETURNING id`.first<{ id: string }>()
	await sql`INSERT INTO allowance_payment (id, "runId", "elderId", month, kind, tier, "amountFen", "districtId", status, "paidAt")
		VALUES (gen_random_uuid(), ${run!.id}::uuid, ${elderId}::uuid, ${month}, 'regular', 80, 10000, 'dongbao', 'paid', '2026-05-20T02:00:00Z')`.run()
	// A meal visit (booking and visit) on 2026-06-15, and a stay in a care home from July to August.
	const staff = await newProviderStaff('timeline')
	await completedVisit(staff, await prisma.user.findUniqueOrThrow({ where: { id: family.id }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true } }), elderId, '2026-06-15', { flagged: false })
	// Then the grant (begun on the factory's day, today) is stopped: the elder moved away.
	await prisma.subsidyGrant.update({ where: { id: grantId }, data: { status: 'ended', endedAt: new Date(Date.now() + 60_000), stopReason: 'movedOut', reviewedById: officer.id } })
	const { providerId, staffUserId } = await demoInstitution()
	const [bedId] = (await makeRoomWithBeds(providerId, 1)).bedIds
	await sql`INSERT INTO admission (id, "elderId", "bedId", "providerId", "admittedOn", "dischargedOn", "endReason", "admittedById", "dischargedById", "updatedAt")
		VALUES (gen_random_uuid(), ${elderId}::uuid, ${bedId}::uuid, ${providerId}::uuid, '2026-07-01', '2026-08-20', 'discharged', ${staffUserId}::uuid, ${staffUserId}::uuid, now())`.run()
	return { elderId, family, officer, staff }
}

describe('the elder page: one timeline', () => {
	it('shows every kind of line, newest first, with who did it to an officer and without officers’ names to the family', async () => {
		const { elderId, family, officer, staff } = await elderWithEverything('2026-05')
		const asOfficer = await callLoader<Page>(elderPage, `/elders/${elderId}`, { as: await signIn(officer), params: { elderId } })
		expect(asOfficer.status).toBe(200)
		const lines = asOfficer.data.timeline.lines
		const kinds = new Set(lines.map((l) => l.kind))
		for (const kind of ['registered', 'verified', 'statusRecorded', 'assessed', 'lifeEvent', 'allowance', 'grantStarted', 'grantStopped', 'booking', 'visit', 'admitted', 'discharged']) expect(kinds, kind).toContain(kind)
		// Newest first: by day, then by when recorded.
		const days = lines.map((l) => l.on)
		expect(days).toEqual([...days].sort().reverse())
		const order = ['discharged', 'admitted', 'visit', 'allowance', 'lifeEvent', 'assessed', 'statusRecorded', 'verified', 'registered']
		const positions = order.map((k) => lines.findIndex((l) => l.kind === k))
		expect(positions).toEqual([...positions].sort((a, b) => a - b))
		expect(lines.find((l) => l.kind === 'grantStopped')).toMatchObject({ params: expect.objectContaining({ reason: 'movedOut', policyZh: '结算测试' }), who: OFFICER_NAME })
		expect(lines.find((l) => l.kind === 'allowance')).toMatchObject({ on: '2026-05-20', params: expect.objectContaining({ month: '2026-05', amountFen: 10000, state: 'paid' }), who: OFFICER_NAME })
		// Officers see who did it and the evidence.
		expect(lines.find((l) => l.kind === 'registered')!.who).toBe(OFFICER_NAME)
		expect(lines.find((l) => l.kind === 'verified')!.who).toBe(OFFICER_NAME)
		expect(lines.find((l) => l.kind === 'statusRecorded')).toMatchObject({ who: OFFICER_NAME, params: expect.objectContaining({ source: '东民低保〔2026〕9号' }) })
		expect(lines.find((l) => l.kind === 'lifeEvent')).toMatchObject({ on: '2026-04-01', who: OFFICER_NAME, params: expect.objectContaining({ event: 'moved_in', reference: '迁入证明 2026-17' }) })
		expect(lines.find((l) => l.kind === 'visit')!.who).toContain(staff.name)

		// The family: the same lines, but no officer's or caregiver's name, no reference, no evidence.
		const asFamily = await callLoader<Page>(elderPage, `/elders/${elderId}`, { as: await signIn(family), params: { elderId } })
		expect(asFamily.status).toBe(200)
		const theirs = asFamily.data.timeline.lines
		expect(theirs.map((l) => l.key)).toEqual(lines.map((l) => l.key))
		const shown = JSON.stringify(theirs)
		for (const secret of [OFFICER_NAME, '东民低保〔2026〕9号', '迁入证明 2026-17', staff.name]) expect(shown).not.toContain(secret)
		expect(theirs.find((l) => l.kind === 'visit')!.who).toContain('结算测试服务商')
		expect(theirs.find((l) => l.kind === 'allowance')!.params).toMatchObject({ state: 'paid', amountFen: 10000 })

		// Someone else's family, and an officer of another district, do not see the elder at all.
		const stranger = await makeUser({ role: 'family' })
		expect((await callLoader(elderPage, `/elders/${elderId}`, { as: await signIn(stranger), params: { elderId } })).status).toBe(404)
		const elsewhere = await makeUser({ role: 'bureau_district', districtId: 'zhongxiang' })
		expect((await callLoader(elderPage, `/elders/${elderId}`, { as: await signIn(elsewhere), params: { elderId } })).status).toBe(404)
	})

	it('is bounded: the newest lines, and "more" when older ones were left out', async () => {
		const { elderId, officer } = await elderWithEverything('2025-05')
		const all = await elderTimeline(officer, elderId, { limit: 1000 })
		expect(all.more).toBe(false)
		const first = await elderTimeline(officer, elderId, { limit: 4 })
		expect(first).toMatchObject({ more: true, limit: 4 })
		expect(first.lines.map((l) => l.key)).toEqual(all.lines.slice(0, 4).map((l) => l.key))
		const page = await callLoader<Page>(elderPage, `/elders/${elderId}?timeline=5`, { as: await signIn(officer), params: { elderId } })
		expect(page.data.timeline).toMatchObject({ more: true, limit: 5 })
		expect(page.data.timeline.lines).toHaveLength(5)
	})

	it('reaches an allowance month\'s bank-file attempts through indexes, never a scan of every line ever sent', async () => {
		// Plans are chosen by cost, and a test database's few lines are cheapest to scan: with scans
		// made dearest, the plan still holds one only where no index can serve the lookup.
		const plan = await transaction(async (tx) => {
			await sql`SET LOCAL enable_seqscan = off`.run(tx)
			return (await sql`EXPLAIN ${allowanceMonths('00000000-0000-0000-0000-000000000000', 13)}`.rows<{ 'QUERY PLAN': string }>(tx)).map((r) => r['QUERY PLAN']).join('\n')
		})
		expect(plan).toMatch(/Index Scan using allowance_disbursement_one_live/)
		expect(plan).toMatch(/Index Scan using allowance_disbursement_returned_payment/)
		expect(plan).not.toMatch(/Seq Scan on allowance_disbursement/)
	})
})
