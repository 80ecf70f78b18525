import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { makeProvider, TEST_PASSWORD } from '../factories/marketplace.ts'
import { HttpClient, startApp } from '../setup/http.ts'

// Issue 11 item 1: forms posted as plain HTML (before hydration, or with scripts off) must work, and
// refused requests must get the product's own page, never a blank 500.

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

const FAMILY = { phone: '13800000001', password: DEMO_PASSWORD }

describe('plain-HTML form posts', () => {
	it('sends a referrer policy under which browsers name the page origin on same-origin posts', async () => {
		const res = await fetch(`${app.baseUrl}/login`)
		const policy = res.headers.get('referrer-policy') ?? ''
		expect(policy).not.toContain('no-referrer')
		expect(['same-origin', 'strict-origin-when-cross-origin', 'strict-origin', 'origin']).toContain(policy.split(',').pop()!.trim())
	})

	it('signs in with `Origin: null` and Sec-Fetch-Site same-origin (a no-referrer page posting its form)', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', FAMILY, { headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } })
		expect(res.status).toBe(302)
		expect(res.headers.get('set-cookie')).toMatch(/yy_session=/)
	})

	it('signs in with the real Origin of the page', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', FAMILY, { headers: { origin: app.baseUrl, 'sec-fetch-site': 'same-origin' } })
		expect(res.status).toBe(302)
	})

	it('refuses a post from another site with a 403 page in Chinese, not a blank 500', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', FAMILY, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })
		expect(res.status).toBe(403)
		expect(res.headers.get('set-cookie') ?? '').not.toMatch(/yy_session=/)
		const html = await res.text()
		expect(html).toContain('<html lang="zh-CN"')
		expect(html).toContain('这个请求来自其他网站')
		expect(html).toContain('返回首页')
	})

	it('refuses `Origin: null` when the browser says the post is cross-site', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', FAMILY, { headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } })
		expect(res.status).toBe(403)
		expect(await res.text()).toContain('这个请求来自其他网站')
	})

	it('answers a missing CSRF token with a Chinese 403 page', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', FAMILY, { csrf: false, headers: { origin: 'null' } })
		expect(res.status).toBe(403)
		const html = await res.text()
		expect(html).toContain('表单已过期')
	})

	it('answers a 10,000-character search with the product’s own 414 page', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.login(FAMILY.phone, FAMILY.password)
		const res = await client.get(`/services?q=${encodeURIComponent('养'.repeat(10_000))}`)
		expect(res.status).toBe(414)
		const html = await res.text()
		expect(html).toContain('<html lang="zh-CN"')
		expect(html).toContain('请求的网址太长')
	})

	it('answers a request whose headers pass even the raised limit with a readable page, not an empty one', async () => {
		const res = await fetch(`${app.baseUrl}/services?q=${'养'.repeat(20_000)}`)
		expect(res.status).toBe(431)
		expect(await res.text()).toContain('请求的网址太长')
	})

	it('answers a 10,000-character ASCII search with the 414 page too', async () => {
		const signedOut = await fetch(`${app.baseUrl}/login?q=${'a'.repeat(10_000)}`)
		expect(signedOut.status).toBe(414)
		expect(await signedOut.text()).toContain('返回首页')
		const client = new HttpClient(app.baseUrl)
		await client.login(FAMILY.phone, FAMILY.password)
		const res = await client.get(`/services?q=${'a'.repeat(10_000)}`)
		expect(res.status).toBe(414)
		expect(await res.text()).toContain('返回首页')
	})

	it('ignores a client’s own X-Forwarded-For and internal headers when no proxy is trusted', async () => {
		const { clientIp } = await import('~/lib/http.server.ts')
		expect(clientIp(new Request('http://x/', { headers: { 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '1.2.3.4' } }))).toBeNull()
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const res = await client.post('/login', FAMILY, { headers: { 'x-yiyang-refusal': 'cross-origin' } })
		expect(res.status).toBe(302)
	})

	it('refuses a form body over 1 MB and a webhook body over 256 KB with 413 before reading them', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.page('/login')
		const big = await client.post('/login', { phone: FAMILY.phone, password: FAMILY.password, pad: 'x'.repeat(1024 * 1024 + 10) })
		expect(big.status).toBe(413)
		expect(await big.text()).toContain('提交的内容太大')
		const hook = await fetch(`${app.baseUrl}/resources/stripe-webhook`, { method: 'POST', body: 'x'.repeat(300 * 1024), headers: { 'content-type': 'application/json' } })
		expect(hook.status).toBe(413)
	})

	it('refuses a multipart body over 1 MB to a form that takes no file (tests/unit/body-limits.test.ts: where files are taken)', async () => {
		const form = new FormData()
		form.append('file', new File(['x'.repeat(2 * 1024 * 1024)], 'a.csv'))
		const login = await fetch(`${app.baseUrl}/login`, { method: 'POST', body: form, redirect: 'manual' })
		expect(login.status).toBe(413)
	})

	it('files a rights request for an elder without JavaScript: its errors come back on the page with 400, then it is filed', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.login(FAMILY.phone, FAMILY.password)
		const { html } = await client.page('/account/requests')
		const elderId = /<option value="([0-9a-f-]{36})"[^>]*>李桂英<\/option>/.exec(html)?.[1]
		expect(elderId).toBeTruthy()
		const refused = await client.post('/account/requests', { formId: 'file-request', intent: 'file', elderId: elderId!, kind: 'deletion', reason: '' }, { headers: { origin: app.baseUrl } })
		expect(refused.status).toBe(400)
		expect(await refused.text()).toContain('请写明删除的理由。')
		const filed = await client.post('/account/requests', { formId: 'file-request', intent: 'file', elderId: elderId!, kind: 'deletion', reason: '紧急联系人已变更，旧号码请删除' }, { headers: { origin: app.baseUrl } })
		expect(filed.status).toBe(200)
		const page = await filed.text()
		expect(page).toContain('申请已提交')
		expect(page).toContain('紧急联系人已变更，旧号码请删除')
	})

	it('records a request made in person at the office without JavaScript: refused with 400 on the page, then the receipt', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.login('13800000021', DEMO_PASSWORD)
		const { html: list } = await client.page('/elders')
		const elderId = /href="\/elders\/([0-9a-f-]{36})"/.exec(list)?.[1]
		expect(elderId).toBeTruthy()
		const { html: form } = await client.page(`/registry/requests/new?elder=${elderId}`)
		expect(form).toContain('记录当面提出的申请')
		const fields = { formId: 'record-request', intent: 'record', elderId: elderId!, requesterRelation: 'guardian', requesterName: '王建国', kind: 'deletion', reason: '紧急联系人已不再联系' }
		const refused = await client.post(`/registry/requests/new?elder=${elderId}`, { ...fields, identityDocument: 'resident_id' }, { headers: { origin: app.baseUrl } })
		expect(refused.status).toBe(400)
		expect(await refused.text()).toContain('监护人申请，请核对监护关系证明。')
		const recorded = await client.post(`/registry/requests/new?elder=${elderId}`, { ...fields, identityDocument: 'guardianship' }, { headers: { origin: app.baseUrl } })
		expect(recorded.status).toBe(302)
		const receipt = recorded.headers.get('location')!
		expect(receipt).toMatch(/^\/registry\/requests\/[0-9a-f-]{36}\/paper$/)
		const { html: paper } = await client.page(receipt)
		expect(paper).toContain('个人信息申请受理回执')
		expect(paper).toContain('王建国（监护人，当面申请）')
	})

	it('a provider’s manager chooses how new bookings are texted without JavaScript: refused with 400 on the page, then saved', async () => {
		const p = await makeProvider()
		const client = new HttpClient(app.baseUrl)
		await client.login(p.staffPhone, TEST_PASSWORD)
		const { html } = await client.page('/provider')
		expect(html).toContain('新预约短信提醒')
		expect(html).toMatch(/checked="" value="each"/)
		const choose = (bookingTexts: string) => client.post('/provider', { formId: 'booking-texts', intent: 'bookingTexts', bookingTexts }, { headers: { origin: app.baseUrl } })
		const refused = await choose('weekly')
		expect(refused.status).toBe(400)
		expect(await refused.text()).toContain('请选择一种短信提醒方式')
		const saved = await choose('daily')
		expect(saved.status).toBe(200)
		const page = await saved.text()
		expect(page).toContain('短信提醒方式已保存。')
		expect(page).toMatch(/checked="" value="daily"/)
	})
})
