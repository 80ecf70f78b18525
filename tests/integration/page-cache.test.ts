// The bed dashboard and search pages are rendered once per distinct loader data and then answered
// from the bytes (app/lib/document-cache.server.ts), their data kept under versions the database
// bumps at commit (census_version, catalogue_version). Through the production server: each answer
// carries its own nonce, nobody gets another's page, and a committed change shows on the next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pool, prisma } from '~/lib/db.server.ts'
import { fromShanghai, shanghaiDate } from '~/lib/time.ts'
import { searchSchema } from '~/modules/marketplace/schemas.server.ts'
import { catalogueVersion, searchPage } from '~/modules/marketplace/search-cache.server.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { makeRoomWithBeds } from '../factories/beds.ts'
import { bookingFields, makeFamily, makeProvider, signIn } from '../factories/marketplace.ts'
import { HttpClient, startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

async function page(client: HttpClient | null, path: string) {
	const res = client ? await client.get(path) : await fetch(app.baseUrl + path)
	expect(res.status).toBe(200)
	const html = await res.text()
	const nonces = new Set([...html.matchAll(/nonce="([^"]*)"/g)].map((m) => m[1]))
	return { html, nonces, csp: res.headers.get('content-security-policy') ?? '' }
}
const withoutNonces = (html: string) => html.replaceAll(/nonce="[^"]*"/g, 'nonce=""')
const cell = (html: string, testId: string) => new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html)?.[1]

let seq = 0
async function approvedInstitution() {
	return prisma.provider.create({
		data: { name: `页面缓存测试养老院${process.pid}-${seq++}`, kind: 'institution', licenceNo: `PC-${process.pid}-${seq}-${Date.now() % 1e6}`, districtId: 'duodao', phone: '0724-1111111', status: 'approved' },
		select: { id: true },
	})
}

describe('the bed dashboard page', () => {
	it('answers the same page with a fresh nonce each time, and shows a committed census change on the next request', async () => {
		const officer = new HttpClient(app.baseUrl)
		await officer.login('13800000041', DEMO_PASSWORD)
		const first = await page(officer, '/bureau/beds')
		const second = await page(officer, '/bureau/beds')
		for (const p of [first, second]) {
			// One nonce per answer, the one its policy names.
			expect(p.nonces.size).toBe(1)
			expect(p.csp).toContain(`'nonce-${[...p.nonces][0]}'`)
		}
		expect([...first.nonces][0]).not.toBe([...second.nonces][0])
		expect(withoutNonces(second.html)).toBe(withoutNonces(first.html))

		const beds = Number(cell(first.html, 'city-beds')!.replaceAll(',', ''))
		const inst = await approvedInstitution()
		await makeRoomWithBeds(inst.id, 4)
		expect(Number(cell((await page(officer, '/bureau/beds')).html, 'city-beds')!.replaceAll(',', ''))).toBe(beds + 4)
		await prisma.provider.update({ where: { id: inst.id }, data: { status: 'suspended' } })
		expect(Number(cell((await page(officer, '/bureau/beds')).html, 'city-beds')!.replaceAll(',', ''))).toBe(beds)
	})

	it('never gives one officer the page of another', async () => {
		const city = new HttpClient(app.baseUrl)
		await city.login('13800000041', DEMO_PASSWORD)
		const district = new HttpClient(app.baseUrl)
		await district.login('13800000031', DEMO_PASSWORD)
		const [a, b] = [await page(city, '/bureau/beds?year=2015'), await page(district, '/bureau/beds?year=2015')]
		const names = await prisma.user.findMany({ where: { phone: { in: ['13800000041', '13800000031'] } }, select: { phone: true, name: true } })
		const name = (phone: string) => names.find((n) => n.phone === phone)!.name
		expect(a.html).toContain(name('13800000041'))
		expect(a.html).not.toContain(name('13800000031'))
		expect(b.html).toContain(name('13800000031'))
		expect(b.html).not.toContain(name('13800000041'))
		// The city officer sees the city row; the district officer only their district.
		expect(cell(a.html, 'city-beds')).toBeDefined()
		expect(cell(b.html, 'city-beds')).toBeUndefined()
		// Each page's form token is its own session's.
		const token = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1]
		expect(token(a.html)).not.toBe(token(b.html))
	})
})

describe('the search page', () => {
	it('shows a committed change of an offering or a booked slot on the next request, and each visitor their own page', async () => {
		const provider = await makeProvider({ capacity: 1 })
		const title = `缓存助浴${process.pid}${seq++}`
		await prisma.offering.update({ where: { id: provider.offeringId }, data: { title } })
		const path = `/services?q=${encodeURIComponent(title)}&district=dongbao`
		const before = await page(null, path)
		expect(before.html).toContain(title)
		expect(before.html).toContain('¥88.00')
		expect((await page(null, path)).html).toContain('¥88.00')

		await prisma.offering.update({ where: { id: provider.offeringId }, data: { priceFen: 9900 } })
		const repriced = await page(null, path)
		expect(repriced.html).toContain('¥99.00')
		expect(repriced.html).not.toContain('¥88.00')

		// Its first free slot booked (capacity 1): the next page no longer offers it.
		const params = searchSchema.parse({ q: title, district: 'dongbao' })
		const [firstSlot, secondSlot] = (await searchPage(params)).results.hits[0]!.nextSlots
		const family = await makeFamily()
		const booker = await signIn(app.baseUrl, family.phone)
		await booker.page(`/services/book/${provider.offeringId}?elderId=${family.elderId}`)
		expect((await booker.post(`/services/book/${provider.offeringId}`, bookingFields(family, { ...provider, priceFen: 9900 }, firstSlot!))).status).toBe(302)
		expect((await searchPage(params)).results.hits[0]!.nextSlots[0]).toBe(secondSlot)
		const booked = await page(null, path)
		expect(withoutNonces(booked.html)).not.toBe(withoutNonces(repriced.html))

		// A family and a visitor: each their own page (the family is offered the booking form).
		const signedIn = await signIn(app.baseUrl, (await makeFamily()).phone)
		const mine = await page(signedIn, path)
		const theirs = await page(null, path)
		expect(mine.html).toContain('家属测试')
		expect(theirs.html).not.toContain('家属测试')
		expect(mine.html).toContain(`/services/book/${provider.offeringId}"`)
		expect(theirs.html).toContain(`/login?redirectTo=${encodeURIComponent(`/services/book/${provider.offeringId}`)}`)
	})
})

describe('cached search results', () => {
	it('are reused under the same version until the first slot they show starts, and recomputed after', async () => {
		const provider = await makeProvider()
		const title = `时刻助浴${process.pid}${seq++}`
		await prisma.offering.update({ where: { id: provider.offeringId }, data: { title } })
		const params = searchSchema.parse({ q: title })
		// Reuse holds within one Shanghai day: search from the start of the day of the first slot shown,
		// so that the moment just before that slot is the same day whatever the hour the test runs at
		// (in the evening the first slot is tomorrow's).
		const probe = await searchPage(params, new Date())
		const firstDay = shanghaiDate(new Date(probe.results.hits[0]!.nextSlots[0]!))
		const now = new Date(Math.max(Date.now(), fromShanghai(firstDay).getTime()))
		const first = await searchPage(params, now)
		const slots = first.results.hits[0]!.nextSlots
		expect(slots).toHaveLength(3)
		const start = Date.parse(slots[0]!)
		// The same object: nothing was read again but the version.
		expect((await searchPage(params, new Date(start - 1))).results).toBe(first.results)
		// At its start the first slot is no longer offered.
		const later = await searchPage(params, new Date(start))
		expect(later.results).not.toBe(first.results)
		expect(later.results.hits[0]!.nextSlots[0]).toBe(slots[1])
	})

	it('follow the catalogue version, bumped once per transaction at its commit', async () => {
		const provider = await makeProvider()
		const title = `版本助浴${process.pid}${seq++}`
		await prisma.offering.update({ where: { id: provider.offeringId }, data: { title } })
		const params = searchSchema.parse({ q: title })
		const v0 = await catalogueVersion()
		const first = await searchPage(params)
		expect(first.results.hits.map((h) => h.priceFen)).toEqual([8800])
		const client = await pool.connect()
		try {
			await client.query('BEGIN')
			await client.query('UPDATE offering SET "priceFen" = 7700 WHERE id = $1', [provider.offeringId])
			await client.query('UPDATE offering SET "durationMinutes" = 90 WHERE id = $1', [provider.offeringId])
			// Uncommitted: the version and the results are as before.
			expect(await catalogueVersion()).toBe(v0)
			expect((await searchPage(params)).results).toBe(first.results)
			await client.query('COMMIT')
		} finally {
			client.release()
		}
		const [epoch, n0] = v0!.split(':')
		expect(await catalogueVersion()).toBe(`${epoch}:${Number(n0) + 1}`)
		const after = await searchPage(params)
		expect(after.results.hits.map((h) => [h.priceFen, h.durationMinutes])).toEqual([[7700, 90]])

		// A provider suspended: its offerings leave the results at once.
		await prisma.provider.update({ where: { id: provider.providerId }, data: { status: 'suspended' } })
		expect((await searchPage(params)).results.hits).toEqual([])
	})
})
