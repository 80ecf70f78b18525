import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { checkIn, checkOut, elderAdmittedDuring } from '~/modules/marketplace/visits.server.ts'
import { admitElder } from '~/modules/beds/admissions.server.ts'
import { decryptIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { dateOnly, shanghaiDate } from '~/lib/time.ts'
import { addDays } from '../factories/index.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt, type TestProvider } from '../factories/marketplace.ts'
import { startApp } from '../setup/http.ts'
import { makeUser, sessionUser } from '../factories/accounts.ts'
import { criteriaOn, decideGrading, submitGrading } from '~/modules/institutions/grading.server.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

const HOME = { lat: 31.0335, lng: 112.2042 } // 荆门 东宝区

async function confirmedBooking(provider: TestProvider, daysAhead = 2, time = '10:00') {
	const family = await makeFamily()
	const client = await signIn(app.baseUrl, family.phone)
	const res = await client.post(`/services/book/${provider.offeringId}`, { ...bookingFields(family, provider, slotAt(daysAhead, time)), homeLat: String(HOME.lat), homeLng: String(HOME.lng) })
	expect(res.status).toBe(302)
	const bookingId = res.headers.get('location')!.split('/').at(-1)!
	const booking = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })
	return { family, client, bookingId, booking }
}

function staffUser(p: TestProvider): SessionUser {
	return { id: p.staffId, name: '护理员王芳', phone: p.staffPhone, role: 'provider_staff', districtId: 'dongbao', communityId: null, providerId: p.providerId }
}

describe('visit verification', () => {
	it('checks a caregiver in and out through the phone page: verified, completed, reviewed once, rating aggregated', async () => {
		const provider = await makeProvider({ capacity: 2 })
		const { client, bookingId, booking } = await confirmedBooking(provider)
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		const page = await staff.page(`/visits/${bookingId}`)
		expect(page.res.status).toBe(200)
		expect(page.html).not.toContain(booking.visitCode)
		// Run the clock: check-in at the start time, check-out 55 minutes later, by the module the page calls.
		const user = staffUser(provider)
		const start = booking.startsAt
		expect(await checkIn(user, bookingId, { intent: 'check-in', method: 'code', code: booking.visitCode }, new Date(start.getTime() + 2 * 60_000))).toEqual({ ok: true, value: { flags: [], verified: false } })
		expect(await checkOut(user, bookingId, { intent: 'check-out', method: 'geo', lat: HOME.lat + 0.0005, lng: HOME.lng }, new Date(start.getTime() + 57 * 60_000))).toEqual({ ok: true, value: { flags: [], verified: true } })
		const b = await prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { visit: true, events: { orderBy: { at: 'asc' } } } })
		expect(b.status).toBe('completed')
		expect(b.events.map((e) => e.toStatus)).toEqual(['requested', 'confirmed', 'in_service', 'completed'])
		// The six EVV elements are all on record.
		expect(b.visit).toMatchObject({ caregiverId: provider.staffId, elderId: b.elderId, checkInMethod: 'code', checkInCodeOk: true, checkOutMethod: 'geo', verified: true })
		expect(b.visit!.checkInAt.getTime()).toBeLessThan(b.visit!.checkOutAt!.getTime())

		await client.page(`/bookings/${bookingId}`)
		expect((await client.post(`/bookings/${bookingId}`, { intent: 'review', rating: '4', comment: '护理员很耐心' })).status).toBe(200)
		expect((await client.post(`/bookings/${bookingId}`, { intent: 'review', rating: '1', comment: '' })).status).toBe(409)
		expect((await client.post(`/bookings/${bookingId}`, { intent: 'review', rating: '9', comment: '' })).status).toBe(400)
		await staff.page(`/bookings/${bookingId}`)
		expect((await staff.post(`/bookings/${bookingId}`, { intent: 'reply', reply: '谢谢您的认可' })).status).toBe(200)
		expect((await staff.post(`/bookings/${bookingId}`, { intent: 'reply', reply: '再次回复' })).status).toBe(409)
		const profile = await prisma.providerProfile.findUniqueOrThrow({ where: { providerId: provider.providerId } })
		expect([profile.ratingCount, profile.ratingSum]).toEqual([1, 4])
		const publicPage = await (await client.get(`/services/providers/${provider.providerId}`)).text()
		expect(publicPage).toContain('护理员很耐心')
		expect(publicPage).toContain('谢谢您的认可')
	})

	it('flags visits that are late, far too short, in the wrong place, or overlapping another visit of the caregiver', async () => {
		const provider = await makeProvider({ capacity: 3 })
		const user = staffUser(provider)
		const a = await confirmedBooking(provider, 3, '10:00')
		const b = await confirmedBooking(provider, 3, '10:00')
		const start = a.booking.startsAt
		// Late (40 minutes) and with the wrong home code.
		const inA = await checkIn(user, a.bookingId, { intent: 'check-in', method: 'code', code: a.booking.visitCode === '000000' ? '111111' : '000000' }, new Date(start.getTime() + 40 * 60_000))
		expect(inA).toEqual({ ok: true, value: { flags: ['late', 'wrong_place'], verified: false } })
		// Same caregiver checks in elsewhere while still in the first visit.
		const inB = await checkIn(user, b.bookingId, { intent: 'check-in', method: 'geo', lat: HOME.lat, lng: HOME.lng }, new Date(start.getTime() + 41 * 60_000))
		expect(inB).toEqual({ ok: true, value: { flags: ['late', 'overlap'], verified: false } })
		// Ten minutes of a sixty-minute visit, two kilometres away.
		const outA = await checkOut(user, a.bookingId, { intent: 'check-out', method: 'geo', lat: HOME.lat + 0.02, lng: HOME.lng }, new Date(start.getTime() + 50 * 60_000))
		expect(outA.ok && outA.value.flags.sort()).toEqual(['late', 'too_short', 'wrong_place'])
		expect(outA.ok && outA.value.verified).toBe(false)
		expect((await prisma.visit.findUniqueOrThrow({ where: { bookingId: a.bookingId } })).verified).toBe(false)

		// The bureau sees the flagged visit and can accept it after checking (audited).
		const officer = await signIn(app.baseUrl, '13800000031')
		const list = await officer.page('/bureau/visits')
		expect(list.html).toContain('上门助浴测试')
		const visit = await prisma.visit.findUniqueOrThrow({ where: { bookingId: a.bookingId } })
		expect((await officer.post('/bureau/visits', { visitId: visit.id, decision: 'maybe' })).status).toBe(400)
		expect((await officer.post('/bureau/visits', { visitId: 'not-a-visit', decision: 'accept' })).status).toBe(400)
		expect((await officer.post('/bureau/visits', { visitId: visit.id, decision: 'accept', note: '长'.repeat(501) })).status).toBe(400)
		expect((await prisma.visit.findUniqueOrThrow({ where: { id: visit.id } })).verified).toBe(false)
		expect((await officer.post('/bureau/visits', { visitId: visit.id, decision: 'accept', note: '电话回访确认' })).status).toBe(200)
		expect((await prisma.visit.findUniqueOrThrow({ where: { id: visit.id } })).verified).toBe(true)
		expect(await prisma.auditLog.count({ where: { action: 'visit.accept', entityId: visit.id } })).toBe(1)
	})

	it('flags a home visit billed while the elder held an institution bed, and not after the discharge', async () => {
		const provider = await makeProvider({ capacity: 2 })
		const user = staffUser(provider)
		const { booking, bookingId } = await confirmedBooking(provider, 4, '10:00')
		// The elder is admitted to a demo institution (东宝区) the day before the visit, by its staff.
		const staffRow = await prisma.user.findUniqueOrThrow({ where: { phone: '13800000012' }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true, provider: { select: { name: true, districtId: true, status: true } } } })
		const institution = { ...staffRow, providerId: staffRow.providerId!, providerName: staffRow.provider!.name, districtId: staffRow.provider!.districtId, providerStatus: staffRow.provider!.status }
		const bed = await prisma.bed.findFirstOrThrow({ where: { providerId: institution.providerId, status: 'vacant' }, select: { id: true } })
		const elder = await prisma.elder.findUniqueOrThrow({ where: { id: booking.elderId }, select: { idNumberCipher: true } })
		const visitDay = shanghaiDate(booking.startsAt)
		const admitted = await admitElder(institution, { idNumber: decryptIdNumber(elder.idNumberCipher!), bedId: bed.id, admittedOn: addDays(visitDay, -1) })
		expect(admitted.ok).toBe(true)
		const start = booking.startsAt
		await checkIn(user, bookingId, { intent: 'check-in', method: 'code', code: booking.visitCode }, start)
		const out = await checkOut(user, bookingId, { intent: 'check-out', method: 'code', code: booking.visitCode }, new Date(start.getTime() + 58 * 60_000))
		expect(out).toEqual({ ok: true, value: { flags: ['admitted'], verified: false } })
		// A stay that ended on the visit day (discharged that morning) does not flag it.
		expect(await elderAdmittedDuring(prisma, booking.elderId, start, new Date(start.getTime() + 60_000))).toBe(true)
		await prisma.admission.updateMany({ where: { elderId: booking.elderId, dischargedOn: null }, data: { dischargedOn: dateOnly(visitDay), endReason: 'discharged' } })
		await prisma.bed.update({ where: { id: bed.id }, data: { status: 'vacant' } })
		expect(await elderAdmittedDuring(prisma, booking.elderId, start, new Date(start.getTime() + 60_000))).toBe(false)
	})

	it('refuses check-in before the window, on unconfirmed bookings, and by another provider', async () => {
		const provider = await makeProvider({ capacity: 2 })
		const other = await makeProvider()
		const { bookingId, booking } = await confirmedBooking(provider, 5)
		const user = staffUser(provider)
		expect(await checkIn(user, bookingId, { intent: 'check-in', method: 'code', code: booking.visitCode }, new Date(booking.startsAt.getTime() - 3 * 3_600_000))).toEqual({ ok: false, formError: 'marketplace:errors.visit.tooEarly', fieldErrors: {}, status: 409 })
		expect(await checkIn(staffUser(other), bookingId, { intent: 'check-in', method: 'code', code: booking.visitCode }, booking.startsAt)).toEqual({ ok: false, formError: 'marketplace:errors.visit.notFound', fieldErrors: {}, status: 404 })
		expect(await checkOut(user, bookingId, { intent: 'check-out', method: 'code', code: booking.visitCode }, booking.startsAt)).toMatchObject({ ok: false, status: 409 })
		const otherStaff = await signIn(app.baseUrl, other.staffPhone)
		expect((await otherStaff.get(`/visits/${bookingId}`)).status).toBe(404)
		expect(await prisma.visit.count({ where: { bookingId } })).toBe(0)
	})
})

describe('provider onboarding', () => {
	it('an applicant applies; only an officer of that district approves; then families can find it; the grade is recorded', async () => {
		const applicant = new (await import('../setup/http.ts')).HttpClient(app.baseUrl)
		await applicant.page('/providers/apply')
		const phone = `139${String(Date.now()).slice(-8)}`
		const licence = `MZ-420881-${String(Date.now()).slice(-6)}`
		const bad = await applicant.post('/providers/apply', { applicantName: '周敏', phone, password: 'Abcdef12', providerName: '钟祥康乐居家养老服务有限公司', kind: 'home_care', licenceNo: licence, districtId: 'zhongxiang' })
		expect(bad.status).toBe(400)
		expect(await bad.text()).toContain('marketplace:errors.districts.required')
		const res = await applicant.post('/providers/apply', {
			applicantName: '周敏',
			phone,
			password: 'Abcdef12',
			providerName: '钟祥康乐居家养老服务有限公司',
			kind: 'home_care',
			licenceNo: licence,
			districtId: 'zhongxiang',
			districtIds: ['zhongxiang'],
			address: '钟祥市郢中街道',
			providerPhone: '0724-4221234',
			description: '助浴助洁上门服务',
		})
		expect(res.status).toBe(302)
		const provider = await prisma.provider.findUniqueOrThrow({ where: { licenceNo: licence } })
		expect(provider.status).toBe('pending')
		await applicant.page('/provider/offerings/new')
		// Before approval it may prepare offerings but not publish them.
		const offeringFields = { intent: 'offering', category: 'bathing', title: '钟祥上门助浴', description: '专业助浴', price: '75.50', unit: 'per_visit', durationMinutes: '60', districtIds: 'zhongxiang' }
		expect((await applicant.post('/provider/offerings/new', { ...offeringFields, active: 'on' })).status).toBe(403)
		const created = await applicant.post('/provider/offerings/new', offeringFields)
		expect(created.status).toBe(302)
		const offering = await prisma.offering.findFirstOrThrow({ where: { providerId: provider.id } })
		expect(offering.priceFen).toBe(7550)
		const wrongCategory = await applicant.post('/provider/offerings/new', { intent: 'offering', category: 'residential_stay', title: '入住', price: '10', unit: 'month', durationMinutes: '60', districtIds: 'zhongxiang', active: 'on' })
		expect(wrongCategory.status).toBe(400)

		const family = await signIn(app.baseUrl, '13800000002')
		expect(await (await family.get(`/services?q=${encodeURIComponent('钟祥上门助浴')}`)).text()).not.toContain(`/services/providers/${provider.id}`)
		expect((await family.get(`/services/providers/${provider.id}`)).status).toBe(404)

		// 东宝区's officer may not decide on a 钟祥市 provider.
		const dongbao = await signIn(app.baseUrl, '13800000031')
		await dongbao.page('/bureau/providers')
		expect((await dongbao.post('/bureau/providers', { providerId: provider.id, decision: 'approve' })).status).toBe(403)
		const zhongxiang = await signIn(app.baseUrl, '13800000032')
		const queue = await zhongxiang.page('/bureau/providers')
		expect(queue.html).toContain('钟祥康乐居家养老服务有限公司')
		expect((await zhongxiang.post('/bureau/providers', { providerId: provider.id, decision: 'reject', reason: '' })).status).toBe(400)
		expect((await zhongxiang.post('/bureau/providers', { providerId: provider.id, decision: 'approve' })).status).toBe(200)
		// The applicant is the provider's first manager: the approval is texted to the applicant, not to the landline.
		expect(await prisma.user.findUniqueOrThrow({ where: { phone }, select: { providerManager: true } })).toEqual({ providerManager: true })
		expect(await prisma.outbox.findMany({ where: { template: 'provider.approved', dedupeKey: { contains: provider.id } }, select: { toPhone: true } })).toEqual([{ toPhone: phone }])
		expect((await zhongxiang.post('/bureau/providers', { providerId: provider.id, decision: 'reject', reason: '重复' })).status).toBe(409)
		// A bare grade is refused (issue 14 item 6): the grade follows from the checklist, approved by a second officer.
		expect((await zhongxiang.post('/bureau/providers', { intent: 'grade', providerId: provider.id, grade: '4', assessedOn: '2026-01-15' })).status).toBe(400)
		expect((await prisma.provider.findUniqueOrThrow({ where: { id: provider.id } })).grade).toBeNull()
		const criteria = (await criteriaOn('2026-01-15'))!
		const graded = await submitGrading(await sessionUser('13800000032'), { providerId: provider.id, assessedOn: '2026-01-15', scores: Object.fromEntries(criteria.items.map((i) => [i.key, Math.round(i.max * 0.8)])) }, null)
		expect(graded).toMatchObject({ ok: true, value: { grade: 4 } })
		expect(await decideGrading(await makeUser({ role: 'bureau_city' }), { gradingId: (graded as { value: { id: string } }).value.id, decision: 'approve' }, null)).toMatchObject({ ok: true })
		const approved = await prisma.provider.findUniqueOrThrow({ where: { id: provider.id } })
		expect(approved).toMatchObject({ status: 'approved', grade: 4 })
		expect(approved.gradedAt!.toISOString().slice(0, 10)).toBe('2026-01-15')
		expect(approved.gradedById).toBeTruthy()
		expect(await prisma.auditLog.count({ where: { entityId: provider.id, action: { in: ['provider.approve', 'provider.grade'] } } })).toBe(1)

		// Approved, it publishes the offering, schedules it, then a family finds it by Chinese text, category, price and grade.
		await applicant.page(`/provider/offerings/${offering.id}`)
		expect((await applicant.post(`/provider/offerings/${offering.id}`, { ...offeringFields, active: 'on' })).status).toBe(200)
		expect((await applicant.post(`/provider/offerings/${offering.id}`, { intent: 'add-rule', weekdays: ['1', '2', '3', '4', '5', '6', '7'], start: '08:00', end: '18:00', capacity: '2' })).status).toBe(200)
		expect((await applicant.post(`/provider/offerings/${offering.id}`, { intent: 'add-rule', weekdays: ['1'], start: '09:00', end: '10:00', capacity: '2' })).status).toBe(400)
		const found = await (await family.get(`/services?q=${encodeURIComponent('上门助浴')}&district=zhongxiang&category=bathing&minPrice=70&maxPrice=80&minGrade=4&sort=price_asc`)).text()
		expect(found).toContain(`/services/providers/${provider.id}`)
		expect(found).toContain('75.50')
		// Its next free slots are listed (tomorrow at the latest: every day from 08:00).
		const card = found.slice(found.indexOf(`/services/providers/${provider.id}`))
		expect(card.slice(0, 3000)).toMatch(/<time dateTime="\d{4}-\d{2}-\d{2}T/)
		const tooCheap = await (await family.get(`/services?q=${encodeURIComponent('助浴')}&district=zhongxiang&maxPrice=50`)).text()
		expect(tooCheap).not.toContain(`/services/providers/${provider.id}`)
		const otherDistrict = await (await family.get(`/services?q=${encodeURIComponent('钟祥上门助浴')}&district=dongbao`)).text()
		expect(otherDistrict).not.toContain(`/services/providers/${provider.id}`)
		// The form offers 4.5 stars as a minimum rating: a fraction, not an integer (no reviews yet here).
		const rated = await family.get(`/services?q=${encodeURIComponent('上门助浴')}&district=zhongxiang&minRating=4.5`)
		expect(rated.status).toBe(200)
		expect(await rated.text()).not.toContain(`/services/providers/${provider.id}`)
		expect((await family.get(`/services/providers/${provider.id}`)).status).toBe(200)
	})
})

describe('search by date', () => {
	it('leaves out offerings closed that day, for the offering alone or for the whole provider', async () => {
		const provider = await makeProvider()
		const { name } = await prisma.provider.findUniqueOrThrow({ where: { id: provider.providerId }, select: { name: true } })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const today = shanghaiDate()
		const [d1, d2, d3] = [addDays(today, 3), addDays(today, 4), addDays(today, 5)]
		const found = async (date: string) => {
			const res = await client.get(`/services?q=${encodeURIComponent(name)}&district=dongbao&date=${date}`)
			expect(res.status).toBe(200)
			return (await res.text()).includes(`/services/book/${provider.offeringId}`)
		}
		expect(await found(d1)).toBe(true)
		await prisma.availabilityException.create({ data: { providerId: provider.providerId, offeringId: provider.offeringId, date: dateOnly(d1), reason: '护理员培训' } })
		await prisma.availabilityException.create({ data: { providerId: provider.providerId, date: dateOnly(d2), reason: '停业一天' } })
		expect([await found(d1), await found(d2), await found(d3)]).toEqual([false, false, true])
	})
})
