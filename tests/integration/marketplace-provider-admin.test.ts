// Offerings limited to communities, and the bureau suspending and reinstating a provider, over real
// HTTP. Every provider here is made by the factory: demo providers other files read are never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pool, prisma } from '~/lib/db.server.ts'
import { bookingFields, makeFamily, makeProvider, signIn, slotAt } from '../factories/marketplace.ts'
import { startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

const offeringFields = (over: Record<string, string | string[]> = {}) => ({
	intent: 'offering',
	category: 'bathing',
	title: '社区助浴',
	description: '只在本社区上门',
	price: '50',
	unit: 'per_visit',
	durationMinutes: '60',
	districtIds: 'dongbao',
	active: 'on',
	...over,
})

/** The results list of a search page (the page echoes the query elsewhere). */
function results(html: string) {
	return /<ul[^>]*data-testid="results"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
}

async function communities(districtId: string) {
	return prisma.community.findMany({ where: { districtId }, orderBy: { nameZh: 'asc' }, select: { id: true, nameZh: true } })
}

describe('offerings limited to communities', () => {
	it('offers the chosen districts’ communities, refuses unknown or out-of-area ones with 400 and writes nothing, and saves a valid choice', async () => {
		const provider = await makeProvider({ districtsServed: ['zhongxiang'] })
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		const [dongbao, zhongxiang] = [await communities('dongbao'), await communities('zhongxiang')]
		expect(dongbao.length).toBeGreaterThan(1)

		// The form lists the communities grouped by district, with a legend for each group.
		const form = await staff.page('/provider/offerings/new')
		expect(form.res.status).toBe(200)
		expect(form.html).toContain('仅限部分社区/村（可选）')
		expect(form.html).toContain('东宝区的社区/村')
		expect(form.html).toContain('钟祥市的社区/村')
		// React 18.3 once streamed NUL bytes into long Chinese pages (react#31134); entry.server strips them.
		expect(form.html.length).toBeGreaterThan(6000)
		expect(form.html).not.toContain('\0')
		for (const c of [...dongbao, ...zhongxiang]) expect(form.html).toContain(`value="${c.id}"`)

		const before = await prisma.offering.count({ where: { providerId: provider.providerId } })
		// A 钟祥市 community on an offering that covers only 东宝区.
		const outside = await staff.post('/provider/offerings/new', offeringFields({ communityIds: [dongbao[0]!.id, zhongxiang[0]!.id] }))
		expect(outside.status).toBe(400)
		expect(await outside.text()).toContain('所选的社区/村不在这项服务的服务区县内')
		// A well-formed id of no community, and a malformed one.
		const unknown = await staff.post('/provider/offerings/new', offeringFields({ communityIds: crypto.randomUUID() }))
		expect(unknown.status).toBe(400)
		expect(await unknown.text()).toContain('找不到所选的社区/村')
		const malformed = await staff.post('/provider/offerings/new', offeringFields({ communityIds: 'dongbao' }))
		expect(malformed.status).toBe(400)
		expect(await malformed.text()).toContain('找不到所选的社区/村')
		expect(await prisma.offering.count({ where: { providerId: provider.providerId } })).toBe(before)

		// Valid: a 东宝区 and a 钟祥市 community on an offering covering both districts.
		const created = await staff.post('/provider/offerings/new', offeringFields({ districtIds: ['dongbao', 'zhongxiang'], communityIds: [dongbao[0]!.id, zhongxiang[0]!.id, dongbao[0]!.id] }))
		expect(created.status).toBe(302)
		const offeringId = created.headers.get('location')!.split('/').at(-1)!
		const saved = await prisma.offering.findUniqueOrThrow({ where: { id: offeringId } })
		expect(saved.communityIds.sort()).toEqual([dongbao[0]!.id, zhongxiang[0]!.id].sort())
		expect(saved.districtIds.sort()).toEqual(['dongbao', 'zhongxiang'])

		// Editing: dropping 钟祥市 while keeping its community is refused, and the offering stays as it was.
		const edit = await staff.page(`/provider/offerings/${offeringId}`)
		const checked = [...edit.html.matchAll(/<input type="checkbox" name="communityIds" checked="" value="([^"]+)"/g)].map((m) => m[1])
		expect(checked.sort()).toEqual([dongbao[0]!.id, zhongxiang[0]!.id].sort())
		const dropped = await staff.post(`/provider/offerings/${offeringId}`, offeringFields({ districtIds: 'dongbao', communityIds: [dongbao[0]!.id, zhongxiang[0]!.id] }))
		expect(dropped.status).toBe(400)
		expect(await dropped.text()).toContain('所选的社区/村不在这项服务的服务区县内')
		const unchanged = await prisma.offering.findUniqueOrThrow({ where: { id: offeringId } })
		expect(unchanged.districtIds.sort()).toEqual(['dongbao', 'zhongxiang'])
		expect(unchanged.communityIds).toHaveLength(2)

		// Choosing no community again means the whole districts.
		expect((await staff.post(`/provider/offerings/${offeringId}`, offeringFields({ districtIds: 'dongbao' }))).status).toBe(200)
		expect(await prisma.offering.findUniqueOrThrow({ where: { id: offeringId } })).toMatchObject({ districtIds: ['dongbao'], communityIds: [] })
	})

	it('shows the limit in search, on the provider page and the booking page, and books only elders living there', async () => {
		const provider = await makeProvider({ capacity: 3 })
		const family = await makeFamily()
		const elder = await prisma.elder.findUniqueOrThrow({ where: { id: family.elderId }, select: { communityId: true } })
		const dongbao = await communities('dongbao')
		const home = dongbao.find((c) => c.id === elder.communityId)!
		const other = dongbao.find((c) => c.id !== elder.communityId)!
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		await staff.page(`/provider/offerings/${provider.offeringId}`)
		expect((await staff.post(`/provider/offerings/${provider.offeringId}`, offeringFields({ title: '上门助浴测试', communityIds: other.id }))).status).toBe(200)
		expect((await staff.page('/provider')).html).toContain(`仅限：${other.nameZh}`)

		const client = await signIn(app.baseUrl, family.phone)
		const name = (await prisma.provider.findUniqueOrThrow({ where: { id: provider.providerId } })).name
		const search = (community: string) => client.page(`/services?q=${encodeURIComponent(name)}&district=dongbao&community=${community}`)
		expect(results((await search(home.id)).html)).not.toContain(name)
		const found = results((await search(other.id)).html)
		expect(found).toContain(name)
		expect(found).toContain(`仅限：${other.nameZh}`)
		expect((await client.page(`/services/providers/${provider.providerId}`)).html).toContain(`仅限：${other.nameZh}`)

		// The elder lives elsewhere: the booking page says so and a booking is refused, writing nothing.
		const page = await client.page(`/services/book/${provider.offeringId}?elderId=${family.elderId}`)
		expect(page.html).toContain(`仅限：${other.nameZh}`)
		expect(page.html).toContain('这项服务不覆盖老人所在的区域')
		const startsAt = slotAt(4, '10:00')
		const refused = await client.post(`/services/book/${provider.offeringId}`, { ...bookingFields(family, provider, startsAt), expectedPriceFen: '5000', expectedCopayFen: '5000' })
		expect(refused.status).toBe(400)
		expect(await refused.text()).toContain('这项服务不覆盖老人所在的区域')
		expect(await prisma.booking.count({ where: { offeringId: provider.offeringId } })).toBe(0)
		expect(await prisma.slot.count({ where: { offeringId: provider.offeringId } })).toBe(0)

		// Limited to the elder's own community: booked.
		expect((await staff.post(`/provider/offerings/${provider.offeringId}`, offeringFields({ title: '上门助浴测试', communityIds: [other.id, home.id] }))).status).toBe(200)
		expect(results((await search(home.id)).html)).toContain(name)
		const booked = await client.post(`/services/book/${provider.offeringId}`, { ...bookingFields(family, provider, startsAt), expectedPriceFen: '5000', expectedCopayFen: '5000' })
		expect(booked.status).toBe(302)
	})
})

describe('provider suspension', () => {
	it('lets only the home district’s bureau suspend with a reason and reinstate; suspended providers vanish and take no new bookings; existing ones stay', async () => {
		const provider = await makeProvider({ capacity: 5, autoConfirm: true })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		const { name } = await prisma.provider.findUniqueOrThrow({ where: { id: provider.providerId } })
		await client.page(`/services/book/${provider.offeringId}?elderId=${family.elderId}`)
		const first = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(3, '09:00')))
		expect(first.status).toBe(302)
		const existingPath = first.headers.get('location')!
		const existingId = existingPath.split('/').at(-1)!
		const audits = () => prisma.auditLog.count({ where: { entityId: provider.providerId, action: { in: ['provider.suspend', 'provider.reinstate'] } } })
		const status = async () => (await prisma.provider.findUniqueOrThrow({ where: { id: provider.providerId }, select: { status: true, statusReason: true } }))

		// Neither the family, the provider's own staff, nor 钟祥市's officer can suspend a 东宝区 provider.
		expect((await client.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '家属' })).status).toBe(403)
		const staff = await signIn(app.baseUrl, provider.staffPhone)
		expect((await staff.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '自己' })).status).toBe(403)
		const zhongxiang = await signIn(app.baseUrl, '13800000032')
		expect((await zhongxiang.page('/bureau/providers?status=approved')).html).not.toContain(name)
		const foreign = await zhongxiang.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '越权' })
		expect(foreign.status).toBe(403)
		expect(await foreign.text()).toContain('这个服务商不属于您负责的区县')
		expect(await status()).toMatchObject({ status: 'approved' })
		expect(await audits()).toBe(0)

		// 东宝区's officer sees it with its open booking; a suspension needs a reason.
		const officer = await signIn(app.baseUrl, '13800000031')
		const list = await officer.page('/bureau/providers?status=approved')
		expect(list.html).toContain(name)
		expect(list.html).toContain('暂停服务')
		expect(list.html).toContain('已有的预约保持不变')
		const noReason = await officer.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '   ' })
		expect(noReason.status).toBe(400)
		expect(await noReason.text()).toContain('暂停服务须填写原因')
		expect((await officer.post('/bureau/providers', { intent: 'suspend', providerId: 'not-a-provider', reason: '原因' })).status).toBe(400)
		expect((await officer.post('/bureau/providers', { intent: 'suspend', providerId: crypto.randomUUID(), reason: '原因' })).status).toBe(403)
		expect((await officer.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '消防检查不合格' }, { csrf: false })).status).toBe(403)
		expect(await status()).toMatchObject({ status: 'approved' })
		expect(await audits()).toBe(0)

		const suspended = await officer.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '消防检查不合格' })
		expect(suspended.status).toBe(200)
		expect(await suspended.text()).toContain('已暂停该服务商')
		expect(await status()).toEqual({ status: 'suspended', statusReason: '消防检查不合格' })
		const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: provider.providerId, action: 'provider.suspend' } })
		expect(audit).toMatchObject({ actorRole: 'bureau_district', districtId: 'dongbao', details: { reason: '消防检查不合格', from: 'approved', to: 'suspended' } })
		expect(await prisma.notification.count({ where: { providerId: provider.providerId, kind: 'provider.suspended' } })).toBe(1)
		// The text goes to the provider's manager (the contact number is a landline no SMS reaches).
		expect(await prisma.outbox.findMany({ where: { dedupeKey: { startsWith: `provider.suspended:${provider.providerId}` } }, select: { toPhone: true } })).toEqual([{ toPhone: provider.staffPhone }])
		// Twice is a conflict, not a second suspension.
		const again = await officer.post('/bureau/providers', { intent: 'suspend', providerId: provider.providerId, reason: '再次' })
		expect(again.status).toBe(409)
		expect(await again.text()).toContain('只能暂停已审核通过')
		expect(await audits()).toBe(1)
		const suspendedList = await officer.page('/bureau/providers?status=suspended')
		expect(suspendedList.html).toContain(name)
		expect(suspendedList.html).toContain('消防检查不合格')
		expect(suspendedList.html).toContain('未完成的预约：1 个')

		// Families: gone from search, its page and booking page say it is suspended, a booking is refused.
		expect(results((await client.page(`/services?q=${encodeURIComponent(name)}`)).html)).not.toContain(name)
		const providerPage = await client.page(`/services/providers/${provider.providerId}`)
		expect(providerPage.res.status).toBe(404)
		expect(providerPage.html).toContain('该服务机构暂停服务')
		const bookPage = await client.page(`/services/book/${provider.offeringId}`)
		expect(bookPage.res.status).toBe(404)
		expect(bookPage.html).toContain('该服务机构暂停服务')
		const bookingsBefore = await prisma.booking.count({ where: { providerId: provider.providerId } })
		const slotsBefore = await prisma.slot.findMany({ where: { offeringId: provider.offeringId }, select: { id: true, places: { select: { placeNo: true, bookingId: true } } } })
		const refused = await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(4, '09:00')))
		expect(refused.status).toBe(409)
		// The refusal, and (the page reloading its data) the notice that the provider is suspended.
		const refusedHtml = await refused.text()
		expect(refusedHtml).toContain('marketplace:errors.booking.providerSuspended')
		expect(refusedHtml).toContain('该服务机构暂停服务')
		expect(await prisma.booking.count({ where: { providerId: provider.providerId } })).toBe(bookingsBefore)
		expect(await prisma.slot.findMany({ where: { offeringId: provider.offeringId }, select: { id: true, places: { select: { placeNo: true, bookingId: true } } } })).toEqual(slotsBefore)

		// The booking made before stays as it was, and the family still sees it.
		expect(await prisma.booking.findUniqueOrThrow({ where: { id: existingId } })).toMatchObject({ status: 'confirmed', holdsPlace: true })
		expect((await client.get(existingPath)).status).toBe(200)

		// The provider's staff see why, and were told.
		const home = await staff.page('/provider')
		expect(home.html).toContain('已暂停')
		expect(home.html).toContain('消防检查不合格')
		expect(home.html).toContain('暂停服务期间')
		expect((await staff.page('/notifications')).html).toContain('民政局已暂停本机构的服务')
		expect((await staff.page(`/services/providers/${provider.providerId}`)).res.status).toBe(200)

		// Reinstating: not by another district; by the home district once; a second time is 409.
		await zhongxiang.page('/bureau/providers')
		expect((await zhongxiang.post('/bureau/providers', { intent: 'reinstate', providerId: provider.providerId })).status).toBe(403)
		expect(await status()).toMatchObject({ status: 'suspended' })
		const reinstated = await officer.post('/bureau/providers', { intent: 'reinstate', providerId: provider.providerId, reason: '整改完成' })
		expect(reinstated.status).toBe(200)
		expect(await reinstated.text()).toContain('已恢复该服务商的服务')
		expect(await status()).toEqual({ status: 'approved', statusReason: null })
		expect(await prisma.auditLog.findFirstOrThrow({ where: { entityId: provider.providerId, action: 'provider.reinstate' } })).toMatchObject({ details: { reason: '整改完成', from: 'suspended', to: 'approved' } })
		expect(await prisma.notification.count({ where: { providerId: provider.providerId, kind: 'provider.reinstated' } })).toBe(1)
		const twice = await officer.post('/bureau/providers', { intent: 'reinstate', providerId: provider.providerId })
		expect(twice.status).toBe(409)
		expect(await twice.text()).toContain('这个服务商不在暂停状态')
		expect(await audits()).toBe(2)

		// Back in search and bookable.
		expect(results((await client.page(`/services?q=${encodeURIComponent(name)}`)).html)).toContain(name)
		await client.page(`/services/book/${provider.offeringId}?elderId=${family.elderId}`)
		expect((await client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(4, '09:00')))).status).toBe(302)
	})

	it('a booking in flight when the suspension commits is refused: the booking transaction re-reads the provider under FOR SHARE', async () => {
		const provider = await makeProvider({ capacity: 5 })
		const family = await makeFamily()
		const client = await signIn(app.baseUrl, family.phone)
		await client.page(`/services/book/${provider.offeringId}?elderId=${family.elderId}`)
		// An officer's suspension, not yet committed: the booking's first read still sees "approved".
		const officer = await pool.connect()
		try {
			await officer.query('BEGIN')
			await officer.query(`UPDATE provider SET status = 'suspended', "statusReason" = '并发测试' WHERE id = $1`, [provider.providerId])
			const booking = client.post(`/services/book/${provider.offeringId}`, bookingFields(family, provider, slotAt(3, '11:00')))
			// Wait until the booking transaction is blocked on the provider row, then commit the suspension.
			for (let i = 0; ; i++) {
				const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM provider WHERE id = %FOR SHARE%'`)
				if (rows[0]!.n > 0) break
				if (i > 200) throw new Error('the booking never waited for the provider row')
				await new Promise((r) => setTimeout(r, 25))
			}
			await officer.query('COMMIT')
			const res = await booking
			expect(res.status).toBe(409)
			expect(await res.text()).toContain('marketplace:errors.booking.providerSuspended')
		} finally {
			officer.release()
		}
		expect(await prisma.booking.count({ where: { providerId: provider.providerId } })).toBe(0)
		expect(await prisma.notification.count({ where: { providerId: provider.providerId, kind: 'booking.requested' } })).toBe(0)
	})

	it('a city officer may suspend any district’s provider; a pending provider cannot be suspended', async () => {
		const pending = await makeProvider({ status: 'pending' })
		const city = await signIn(app.baseUrl, '13800000041')
		await city.page('/bureau/providers')
		const refused = await city.post('/bureau/providers', { intent: 'suspend', providerId: pending.providerId, reason: '测试' })
		expect(refused.status).toBe(409)
		expect((await prisma.provider.findUniqueOrThrow({ where: { id: pending.providerId } })).status).toBe('pending')
		const approved = await makeProvider()
		expect((await city.post('/bureau/providers', { intent: 'suspend', providerId: approved.providerId, reason: '投诉核查中' })).status).toBe(200)
		expect((await prisma.provider.findUniqueOrThrow({ where: { id: approved.providerId } })).status).toBe('suspended')
		expect((await city.post('/bureau/providers', { intent: 'reinstate', providerId: approved.providerId })).status).toBe(200)
	})
})
