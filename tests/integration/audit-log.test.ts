// The bureau's audit log is readable and complete: bookings, bed changes and admissions appear beside
// every audited decision (copied by triggers from their journals, with the provider's district); each
// entry names its object; it filters by actor, action, object and date; it exports as CSV (audited);
// a district officer sees only their district.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { exportAuditLog, listAuditLog } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { admitElder } from '~/modules/beds/admissions.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { cancelBooking } from '~/modules/marketplace/booking-lifecycle.server.ts'
import * as csvRoute from '~/routes/bureau.audit[.]csv.ts'
import * as page from '~/routes/bureau.audit.tsx'
import { makeUser } from '../factories/accounts.ts'
import { demoInstitution, makeRegisteredElder, makeRoomWithBeds } from '../factories/beds.ts'
import { makeFamily, makeProvider, slotAt } from '../factories/marketplace.ts'
import { callLoader, signIn } from '../setup/route.ts'

describe('audit log', () => {
	it('records bookings and admissions with their district, names every object, and filters', async () => {
		const provider = await makeProvider({ capacity: 2, autoConfirm: false })
		const family = await makeFamily()
		const familyUser: SessionUser = { id: family.userId, name: '家属', phone: family.phone, role: 'family', districtId: null, communityId: null, providerId: null }
		const booked = await createBooking(familyUser, provider.offeringId, {
			idempotencyKey: crypto.randomUUID().replaceAll('-', ''),
			elderId: family.elderId,
			startsAt: slotAt(4, '10:00'),
			expectedPriceFen: provider.priceFen,
			expectedCopayFen: provider.priceFen,
			serviceAddress: '东宝区龙泉社区3栋2单元',
			note: '',
		})
		expect(booked.ok).toBe(true)
		const bookingId = (booked as { value: { bookingId: string } }).value.bookingId
		expect((await cancelBooking(familyUser, bookingId, '家里有事')).ok).toBe(true)

		const { providerId, staffUserId } = await demoInstitution()
		const staffRow = await prisma.user.findUniqueOrThrow({ where: { id: staffUserId }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true } })
		const institution = await prisma.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true, districtId: true } })
		const staff = { ...staffRow, providerId, providerName: institution.name, districtId: institution.districtId, providerStatus: 'approved' as const }
		const { bedIds } = await makeRoomWithBeds(providerId, 1, { actorId: staffUserId })
		const elder = await makeRegisteredElder('赵桂芝')
		expect((await admitElder(staff, { idNumber: elder.idNumber, bedId: bedIds[0]!, admittedOn: shanghaiDate() })).ok).toBe(true)

		const providerDistrict = (await prisma.provider.findUniqueOrThrow({ where: { id: provider.providerId }, select: { districtId: true } })).districtId
		const officer = await makeUser({ role: 'bureau_district', districtId: providerDistrict })
		const mine = await listAuditLog(officer, { page: 1, entityType: 'booking', entityId: bookingId })
		expect(mine.entries.map((e) => e.action).sort()).toEqual(['booking.cancelled', 'booking.requested'])
		const elderName = (await prisma.elder.findUniqueOrThrow({ where: { id: family.elderId }, select: { name: true } })).name
		expect(mine.entries[0]!.objectLabel).toContain(elderName)
		expect(mine.entries.every((e) => e.districtId === providerDistrict)).toBe(true)

		const city = await makeUser({ role: 'bureau_city' })
		const admission = await listAuditLog(city, { page: 1, action: 'bed.admitted', entityId: bedIds[0]! })
		expect(admission.entries).toHaveLength(1)
		expect(admission.entries[0]).toMatchObject({ actorId: staffUserId, actorRole: 'provider_staff', entityType: 'bed', districtId: institution.districtId })
		expect(admission.entries[0]!.objectLabel).toContain(institution.name)

		// By actor (name or phone), and dates: nothing tomorrow.
		expect((await listAuditLog(city, { page: 1, actor: staffRow.phone, action: 'bed.admitted' })).entries.some((e) => e.entityId === bedIds[0])).toBe(true)
		expect((await listAuditLog(city, { page: 1, actor: staffRow.phone, from: '2999-01-01' })).entries).toHaveLength(0)
		const today = shanghaiDate()
		expect((await listAuditLog(city, { page: 1, entityId: bookingId, from: today, to: today })).entries).toHaveLength(2)

		// Another district's officer sees neither.
		const elsewhere = await prisma.district.findFirstOrThrow({ where: { id: { notIn: [providerDistrict, institution.districtId] } }, select: { id: true } })
		const stranger = await makeUser({ role: 'bureau_district', districtId: elsewhere.id })
		expect((await listAuditLog(stranger, { page: 1, entityId: bookingId })).entries).toHaveLength(0)
		expect((await listAuditLog(stranger, { page: 1, entityId: bedIds[0]! })).entries).toHaveLength(0)
	})

	it('names runs by month and accounts by name; exports the filtered log as CSV, audited', async () => {
		const city = await makeUser({ role: 'bureau_city', name: '审计测试员' })
		const run = await prisma.allowanceRun.findFirst({ select: { id: true, month: true } })
		if (run) {
			await prisma.auditLog.create({ data: { actorId: city.id, actorRole: 'bureau_city', action: 'allowance.run_approve', entityType: 'allowance_run', entityId: run.id } })
			const rows = await listAuditLog(city, { page: 1, entityType: 'allowance_run', entityId: run.id })
			expect(rows.entries[0]!.objectLabel).toBe(run.month)
			expect(rows.entries[0]!.actorName).toBe('审计测试员')
		}
		const exported = await exportAuditLog(city, { actor: '审计测试员' }, null)
		expect(exported.every((e) => e.actorId === city.id)).toBe(true)
		const visitor = await signIn(city.phone)
		const file = await callLoader(csvRoute, '/bureau/audit.csv?action=audit.export', { as: visitor })
		expect(file.status).toBe(200)
		expect(file.headers.get('content-type')).toContain('text/csv')
		expect(String(file.data)).toContain('导出审计日志')
		expect(await prisma.auditLog.count({ where: { actorId: city.id, action: 'audit.export' } })).toBe(2)
		// Malformed filters are dropped, never an error.
		const res = await callLoader(page, '/bureau/audit?from=2026-13-45&action=%27%3B--&page=-3', { as: visitor })
		expect(res.status).toBe(200)
	})
})
