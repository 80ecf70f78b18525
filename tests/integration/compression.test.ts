// Responses are compressed by server.ts: brotli where the client accepts it, gzip otherwise; tiny
// bodies and downloads still arrive whole; hashed build assets are cached for a year.
import { existsSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient, startApp } from '../setup/http.ts'

let app: Awaited<ReturnType<typeof startApp>>
beforeAll(async () => {
	app = await startApp()
})
afterAll(async () => {
	await app.close()
})

/** The raw answer (fetch would decompress it): status, headers and the body as sent. */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = request(app.baseUrl + path, { headers }, (res) => {
			const chunks: Buffer[] = []
			res.on('data', (c: Buffer) => chunks.push(c))
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
			res.on('error', reject)
		})
		req.on('error', reject)
		req.end()
	})
}

function decoded(r: { headers: Record<string, string | string[] | undefined>; body: Buffer }) {
	const encoding = r.headers['content-encoding']
	return (encoding === 'br' ? brotliDecompressSync(r.body) : encoding === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8')
}

describe('compression', () => {
	it('sends pages in brotli when accepted, gzip otherwise, and plain without Accept-Encoding', async () => {
		const br = await raw('/services', { 'accept-encoding': 'gzip, deflate, br, zstd' })
		expect(br.status).toBe(200)
		expect(br.headers['content-encoding']).toBe('br')
		expect(br.headers.vary).toMatch(/Accept-Encoding/i)
		const gzip = await raw('/services', { 'accept-encoding': 'gzip' })
		expect(gzip.headers['content-encoding']).toBe('gzip')
		const plain = await raw('/services')
		expect(plain.headers['content-encoding']).toBeUndefined()
		for (const r of [br, gzip]) {
			expect(r.body.length).toBeLessThan(plain.body.length / 2)
			expect(decoded(r)).toContain('</html>')
		}
	})

	it('serves hashed build assets compressed and cached for a year; small files as they are', async () => {
		const page = decoded(await raw('/', { 'accept-encoding': 'br' }))
		const asset = /<link rel="modulepreload" href="(\/build\/[^"]+\.js)"/.exec(page)?.[1]
		expect(asset).toBeTruthy()
		const plain = await raw(asset!)
		const js = await raw(asset!, { 'accept-encoding': 'gzip, deflate, br, zstd' })
		const gz = await raw(asset!, { 'accept-encoding': 'gzip' })
		for (const r of [plain, js, gz]) {
			expect(r.status).toBe(200)
			expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable')
			expect(r.headers['content-type']).toMatch(/javascript/)
		}
		// The build's own brotli/gzip copies (scripts/precompress.ts), the same script once decoded; brotli
		// for Chromium's Accept-Encoding, which lists gzip first.
		if (plain.body.length >= 1024) {
			expect(js.headers['content-encoding']).toBe('br')
			expect(gz.headers['content-encoding']).toBe('gzip')
			expect(decoded(js)).toBe(plain.body.toString('utf8'))
			// Made by `npm run build` (and npm test); a bare `remix build` leaves them out, and compression
			// then encodes the script on the fly.
			const copy = `public${asset}.br`
			if (existsSync(copy) && statSync(copy).mtimeMs >= statSync(`public${asset}`).mtimeMs) expect(Number(js.headers['content-length'])).toBe(statSync(copy).size)
			expect(decoded(gz)).toBe(plain.body.toString('utf8'))
		}
		const icon = await raw('/favicon.svg', { 'accept-encoding': 'br' })
		expect(icon.status).toBe(200)
		expect(icon.headers['content-encoding']).toBeUndefined()
	})

	it('keeps a CSV download whole: same bytes compressed or not, its file name kept', async () => {
		const officer = new HttpClient(app.baseUrl)
		await officer.login('13800000031', DEMO_PASSWORD)
		const cookie = officer['cookieHeader']()
		const plain = await raw('/bureau/beds.csv', { cookie })
		const br = await raw('/bureau/beds.csv', { cookie, 'accept-encoding': 'br' })
		expect(plain.status).toBe(200)
		expect(br.headers['content-type']).toMatch(/text\/csv/)
		expect(br.headers['content-disposition']).toBe(plain.headers['content-disposition'])
		expect(decoded(br)).toBe(plain.body.toString('utf8'))
	})
})
