// Issue 14 item 8: a family complains about a provider it used; the provider answers; the district
// officer closes it with a finding; due dates in working days, overdue ones listed for the district;
// the public page shows counts only. Bad input: a provider the family never used is refused (403).
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { recordArrival, recordDeparture } from '~/modules/attendance/attendance.server.ts'
import { listComplaints } from '~/modules/complaints/complaints.server.ts'
import { addWorkingDays, overdueKind } from '~/modules/complaints/rules.ts'
import * as complaintsRoute from '~/routes/complaints.tsx'
import * as providerPage from '~/routes/services.providers.$providerId.tsx'
import { centreBooking, familyWithGrant, makeCentre } from '../factories/attendance.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

describe('complaints', () => {
	it('counts working days and knows when a complaint is overdue', () => {
		expect(addWorkingDays('2026-11-27', 2)).toBe('2026-12-01') // Friday → Tuesday
		expect(addWorkingDays('2026-11-30', 15)).toBe('2026-12-21')
		expect(
			overdueKind(
				{
					status: 'submitted',
					ackDueOn: '2026-12-01',
					resolveDueOn: '2026-12-21',
				},
				'2026-12-02'
			)
		).toBe('acknowledge')
		expect(
			overdueKind(
				{
					status: 'answered',
					ackDueOn: '2026-12-01',
					resolveDueOn: '2026-12-21',
				},
				'2026-12-02'
			)
		).toBeNull()
		expect(
			overdueKind(
				{
					status: 'answered',
					ackDueOn: '2026-12-01',
					resolveDueOn: '2026-12-21',
				},
				'2026-12-22'
			)
		).toBe('resolve')
		expect(
			overdueKind(
				{
					status: 'closed',
					ackDueOn: '2026-12-01',
					resolveDueOn: '2026-12-21',
				},
				'2026-12-22'
			)
		).toBeNull()
	})

	it('files, answers and closes a complaint about a used centre; refuses one about a provider never used', async () => {
		const centre = await makeCentre()
		const stranger = await makeCentre()
		const { family, elderId } = await familyWithGrant('day_care', 'cmp')
		const b = await centreBooking(family, elderId, centre.offeringId)
		const fam = await signIn(family.phone)
		const fields = {
			intent: 'file',
			providerId: centre.providerId,
			subject: 'booking',
			bookingId: b.id,
			category: 'service_quality',
			text: '午餐送到时已经凉了。',
		}

		// Not yet used (the booking is only confirmed): refused, nothing written.
		expect((await callAction(complaintsRoute, '/complaints', fields, { as: fam })).status).toBe(403)
		await recordArrival(centre.staff, { bookingId: b.id, method: 'roll_call' }, new Date(b.startsAt.getTime() + 60_000))
		await recordDeparture(centre.staff, { bookingId: b.id, meals: 1 }, new Date(b.startsAt.getTime() + 3_600_000))

		// A provider the family never used: 403, general or about a booking elsewhere.
		expect(
			(
				await callAction(
					complaintsRoute,
					'/complaints',
					{
						...fields,
						providerId: stranger.providerId,
						subject: 'general',
						bookingId: '',
					},
					{ as: fam }
				)
			).status
		).toBe(403)
		expect((await callAction(complaintsRoute, '/complaints', { ...fields, providerId: stranger.providerId }, { as: fam })).status).toBe(403)
		expect((await callAction(complaintsRoute, '/complaints', { ...fields, subject: 'stay', bookingId: '' }, { as: fam })).status).toBe(403)
		// Bad fields: 400 naming the field.
		const short = await callAction<{
			result: { error: Record<string, string[]> }
		}>(complaintsRoute, '/complaints', { ...fields, text: '差' }, { as: fam })
		expect(short.status).toBe(400)
		expect(Object.keys(short.data.result.error)).toContain('text')
		expect(await prisma.complaint.count({ where: { familyUserId: family.id } })).toBe(0)

		expect((await callAction(complaintsRoute, '/complaints', fields, { as: fam })).status).toBe(200)
		const c = await prisma.complaint.findFirstOrThrow({
			where: { familyUserId: family.id },
		})
		expect(c).toMatchObject({
			providerId: centre.providerId,
			districtId: 'dongbao',
			status: 'submitted',
			bookingId: b.id,
		})

		// Overdue for the district once the acknowledgement limit passes.
		const officer = await prisma.user.findUniqueOrThrow({
			where: { phone: '13800000031' },
			select: {
				id: true,
				name: true,
				phone: true,
				role: true,
				districtId: true,
				communityId: true,
				providerId: true,
			},
		})
		const late = addWorkingDays(c.ackDueOn.toISOString().slice(0, 10), 1)
		expect((await listComplaints(officer, { overdueOnly: true }, late)).find((x) => x.id === c.id)?.overdue).toBe('acknowledge')
		const zhongxiang = await prisma.user.findUniqueOrThrow({
			where: { phone: '13800000032' },
			select: {
				id: true,
				name: true,
				phone: true,
				role: true,
				districtId: true,
				communityId: true,
				providerId: true,
			},
		})
		expect((await listComplaints(zhongxiang, { overdueOnly: true }, late)).some((x) => x.id === c.id)).toBe(false)

		// Another provider's staff cannot answer it; its own can, once.
		expect((await callAction(complaintsRoute, '/complaints', { intent: 'answer', complaintId: c.id, answer: '我们会改进。' }, { as: await signIn(stranger.staff.phone) })).status).toBe(404)
		const staff = await signIn(centre.staff.phone)
		expect((await callAction(complaintsRoute, '/complaints', { intent: 'answer', complaintId: c.id, answer: '已更换保温餐盒。' }, { as: staff })).status).toBe(200)
		expect((await callAction(complaintsRoute, '/complaints', { intent: 'answer', complaintId: c.id, answer: '再次回复' }, { as: staff })).status).toBe(409)
		expect((await listComplaints(officer, { overdueOnly: true }, late)).some((x) => x.id === c.id)).toBe(false)

		// The other district's officer cannot close it; the provider's district officer closes it, once.
		expect(
			(
				await callAction(
					complaintsRoute,
					'/complaints',
					{
						intent: 'close',
						complaintId: c.id,
						finding: 'upheld',
						findingNote: '核实属实',
					},
					{ as: await signIn('13800000032') }
				)
			).status
		).toBe(404)
		const dongbao = await signIn('13800000031')
		expect(
			(
				await callAction(
					complaintsRoute,
					'/complaints',
					{
						intent: 'close',
						complaintId: c.id,
						finding: 'maybe',
						findingNote: '核实属实',
					},
					{ as: dongbao }
				)
			).status
		).toBe(400)
		expect(
			(
				await callAction(
					complaintsRoute,
					'/complaints',
					{
						intent: 'close',
						complaintId: c.id,
						finding: 'partly_upheld',
						findingNote: '餐温偏低属实，已整改',
					},
					{ as: dongbao }
				)
			).status
		).toBe(200)
		expect(
			(
				await callAction(
					complaintsRoute,
					'/complaints',
					{
						intent: 'close',
						complaintId: c.id,
						finding: 'upheld',
						findingNote: '再次',
					},
					{ as: dongbao }
				)
			).status
		).toBe(409)
		expect(await prisma.complaint.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: 'closed', finding: 'partly_upheld' })

		// Public page: numbers only, no texts.
		const page = await callLoader<{ complaints: Record<string, number> }>(providerPage, `/services/providers/${centre.providerId}`, { as: fam, params: { providerId: centre.providerId } })
		expect(page.data.complaints).toEqual({
			total: 1,
			open: 0,
			upheld: 0,
			partlyUpheld: 1,
			notUpheld: 0,
		})
		expect(JSON.stringify(page.data)).not.toContain('凉了')
	})
})
