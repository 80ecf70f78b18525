// The server production runs: the esbuild bundle build/node/server.js (`npm run build`), not server.ts
// through tsx. It must start and serve, and it must start with React Router's route matching cached
// (server/route-matching-cache.ts): an ESM bundle hoists its external imports, and once that made
// every page of production pay the uncached matching without a word (issue 16).
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const freePort = () =>
	new Promise<number>((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number }
			s.close(() => resolve(port))
		})
	})

describe('the production server bundle', () => {
	let output = ''
	let baseUrl = ''
	let stop = () => {}

	beforeAll(async () => {
		const port = await freePort()
		const child = spawn(process.execPath, ['--max-old-space-size=160', 'build/node/server.js'], {
			env: { ...process.env, NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true', PORT: String(port), BENCH_FLOOR: 'true' },
			stdio: ['ignore', 'pipe', 'pipe'],
		})
		child.stdout.on('data', (d) => (output += String(d)))
		child.stderr.on('data', (d) => (output += String(d)))
		stop = () => child.kill('SIGTERM')
		await new Promise<void>((resolve, reject) => {
			child.once('exit', (code) => reject(new Error(`the server ended (${code}) before listening:\n${output}`)))
			const check = setInterval(() => {
				if (!output.includes('listening on')) return
				clearInterval(check)
				resolve()
			}, 20)
		})
		baseUrl = `http://127.0.0.1:${port}`
	}, 60_000)

	afterAll(() => stop())

	it('serves a page and starts with route matching cached', async () => {
		const res = await fetch(`${baseUrl}/floor`)
		expect(res.status).toBe(200)
		expect(await res.text()).toContain('floor ')
		expect(output).not.toContain('route-matching-cache')
		// Nor without its other per-build caches (loader requests, server routes, route modules).
		expect(output).not.toContain('loader-request-cache')
		expect(output).not.toContain('server-routes-cache')
	})
})
