import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { checkCharacter } from '~/modules/identity/id-number.ts'
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient, startApp } from '../setup/http.ts'

// Issue 12 item 1: the masked number, plus everything a page sends beside it, must not rebuild the
// number. Every page each role can reach is fetched as a document (its HTML carries every loader's
// data) and searched for a full identity number and for an elder's birth date.

let app: Awaited<ReturnType<typeof startApp>>
let birthDates: Set<string>
beforeAll(async () => {
	app = await startApp()
	const rows = await prisma.$queryRawUnsafe<{ d: string }[]>(`SELECT DISTINCT "birthDate"::text AS d FROM elder`)
	birthDates = new Set(rows.map((r) => r.d))
})
afterAll(async () => {
	await app.close()
})

/** Full numbers with a valid check character anywhere in a text. */
function fullIdNumbers(text: string): string[] {
	return [...text.matchAll(/(?<![0-9])[1-9]\d{16}[\dX](?![0-9])/g)].map((m) => m[0]).filter((id) => checkCharacter(id.slice(0, 17)) === id[17])
}

function elderBirthDates(text: string): string[] {
	return [...new Set([...text.matchAll(/\b(1[89]\d\d|20[0-2]\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])\b/g)].map((m) => m[0]).filter((d) => birthDates.has(d)))]
}

const SKIP = /^\/(logout|resources\/|build\/)|\.(csv|xlsx)(\?|$)|\/export|bank-file/

/** Same-origin GET links of a page, without fragments. */
function links(html: string): string[] {
	const out = new Set<string>()
	for (const m of html.matchAll(/href="(\/[^"#]*)"/g)) {
		const href = m[1]!.replaceAll('&amp;', '&')
		if (!SKIP.test(href)) out.add(href)
	}
	return [...out]
}

describe('no page gives away an identity number', () => {
	it('sends neither a full number nor a birth date to any role that did not reveal it', { timeout: 240_000 }, async () => {
		const seen: string[] = []
		for (const account of DEMO_ACCOUNTS) {
			const client = new HttpClient(app.baseUrl)
			await client.login(account.phone, DEMO_PASSWORD)
			const queue = ['/']
			const visited = new Set<string>()
			// Pages by path shape: one /elders/<id> stands for all of them, so every kind of page is seen.
			const shapes = new Set<string>()
			while (queue.length && visited.size < 45) {
				const path = queue.shift()!
				const shape = path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id').replace(/\?.*$/, '')
				if (visited.has(path) || (shapes.has(shape) && path.includes('?'))) continue
				visited.add(path)
				shapes.add(shape)
				const res = await client.get(path)
				if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('text/html')) continue
				const html = await res.text()
				expect(fullIdNumbers(html), `${account.role} ${account.phone} ${path}: full identity number`).toEqual([])
				expect(elderBirthDates(html), `${account.role} ${account.phone} ${path}: birth date`).toEqual([])
				expect(html, `${account.role} ${path}: birthDate field`).not.toContain('birthDate')
				for (const next of links(html)) if (!visited.has(next)) queue.push(next)
			}
			seen.push(`${account.role}:${visited.size}`)
		}
		// The crawl reached the pages that show masks.
		expect(seen.join(' ')).toMatch(/family:\d{2}/)
	})

	it('shows masks in the new form, and the full number and birth date only after the audited reveal', async () => {
		const client = new HttpClient(app.baseUrl)
		await client.login('13800000001', DEMO_PASSWORD)
		const list = await (await client.get('/elders')).text()
		const masks = [...list.matchAll(/\b\d{4}\*{12}[\dX]{2}\b/g)].map((m) => m[0])
		expect(masks.length).toBeGreaterThan(0)
		expect(list).not.toMatch(/\d{6}\*{8}[\dX]{4}/)
		const elderId = /href="\/elders\/([0-9a-f-]{36})"/.exec(list)?.[1]
		expect(elderId).toBeDefined()
		const page = await client.page(`/elders/${elderId}`)
		expect(elderBirthDates(page.html)).toEqual([])
		const reveal = await client.post(`/elders/${elderId}`, { intent: 'reveal' })
		expect(reveal.status).toBe(200)
		const revealed = await reveal.text()
		expect(new Set(fullIdNumbers(revealed)).size).toBe(1)
		expect(elderBirthDates(revealed)).toHaveLength(1)
		expect(await prisma.auditLog.count({ where: { action: 'pii.reveal_id_number', entityId: elderId! } })).toBe(1)
	})
})
