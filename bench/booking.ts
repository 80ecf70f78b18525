// 1,000 concurrent booking attempts through the real HTTP action (signed-in families, CSRF tokens)
// for 100 places in one slot: exactly 100 bookings, every other attempt answered "full", no error.
// Floor: the same 1,000 concurrent POSTs to the bare Remix action /floor, same server, same run.
// Both are posted the way Remix's <Form> does with JavaScript (single fetch: POST <route>.data runs
// the action only; the page's loaders revalidate in a separate GET). BENCH_DOCUMENT=true posts like
// a browser without JavaScript instead (action + full page render on every answer).
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { webPoolSize } from '../server/pool-size.ts'
import { prepare, ratio, report, startServer } from './lib.ts'
import { addBookingProvider, addFamilies, marketDatabase, percentile, type BenchFamily } from './market/setup.ts'

const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 1000)
const PLACES = Number(process.env.BENCH_PLACES ?? 100)
const PORT = Number(process.env.BENCH_PORT ?? 3211)
const DOCUMENT = process.env.BENCH_DOCUMENT === 'true'
const suffix = DOCUMENT ? '' : '.data'

type Shot = { status: number; ms: number; body?: string; error?: string }

/** One POST on its own connection (no keep-alive reuse between bursts), as 1,000 separate browsers would. */
function post(url: string, body: URLSearchParams, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const payload = body.toString()
		const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
			const chunks: Buffer[] = []
			res.on('data', (c: Buffer) => chunks.push(c))
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
			res.on('error', reject)
		})
		req.setTimeout(180_000, () => req.destroy(new Error('timeout')))
		req.on('error', reject)
		req.end(payload)
	})
}

async function burst(n: number, send: (i: number) => Promise<{ status: number; body: string }>): Promise<{ shots: Shot[]; wallMs: number }> {
	const started = performance.now()
	const shots = await Promise.all(
		Array.from({ length: n }, async (_, i): Promise<Shot> => {
			const t0 = performance.now()
			try {
				const res = await send(i)
				return { status: res.status, ms: performance.now() - t0, body: res.body }
			} catch (error) {
				return { status: 0, ms: performance.now() - t0, error: `${String(error)} ${(error as { code?: string }).code ?? ''}` }
			}
		}),
	)
	return { shots, wallMs: performance.now() - started }
}

function stats(shots: Shot[], wallMs: number) {
	const ms = shots.map((s) => s.ms).sort((a, b) => a - b)
	return { attempts: shots.length, wallMs: Math.round(wallMs), perSecond: Math.round((shots.length / wallMs) * 1000), p50: percentile(ms, 50), p99: percentile(ms, 99), max: percentile(ms, 100) }
}

export default async function bookingBench() {
	await prepare()
	const url = await marketDatabase()
	const { offeringId, priceFen } = await addBookingProvider(url, PLACES)
	const families: BenchFamily[] = await addFamilies(url, ATTEMPTS)
	// Tomorrow 10:00 in Shanghai: on the schedule, in the future.
	const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10)
	const startsAt = new Date(`${tomorrow}T10:00:00+08:00`).toISOString()
	const server = await startServer(url, PORT)
	try {
		// Warm up the server (route modules, connection pool) without touching the slot under test.
		await burst(50, () => post(`${server.url}/floor${suffix}`, new URLSearchParams({ x: '1' })))
		const floor = await burst(ATTEMPTS, () => post(`${server.url}/floor${suffix}`, new URLSearchParams({ x: '1' })))
		const booking = await burst(
			ATTEMPTS,
			(i) => {
				const f = families[i]!
				const body = new URLSearchParams({
					csrf: f.csrf,
					idempotencyKey: crypto.randomUUID().replaceAll('-', ''),
					elderId: f.elderId,
					startsAt,
					expectedPriceFen: String(priceFen),
					expectedCopayFen: String(priceFen),
					serviceAddress: '东宝区龙泉社区',
				})
				return post(`${server.url}/services/book/${offeringId}${suffix}`, body, { cookie: f.cookie })
			},
		)
		// A booking answers with a redirect to /bookings/<id> (302, or its single-fetch encoding).
		const isBooked = (s: Shot) => (s.status === 302 || s.status === 202 || s.status === 200) && !!s.body?.includes('/bookings/')
		const isFull = (s: Shot) => s.status === 409 && !!s.body?.includes('marketplace:errors.booking.full')
		const booked = booking.shots.filter((s) => s.status === 302 || isBooked(s)).length
		const full = booking.shots.filter(isFull).length
		const other = booking.shots.filter((s) => !(s.status === 302 || isBooked(s) || isFull(s)))
		const db = new pg.Client({ connectionString: url })
		await db.connect()
		const { rows } = await db.query<{ bookings: number; booked: number; capacity: number }>(
			`SELECT (SELECT count(*)::int FROM booking WHERE "offeringId" = $1) AS bookings,
			        (SELECT count(*)::int FROM slot_place p WHERE p."slotId" = s.id AND p."bookingId" IS NOT NULL) AS booked, s.capacity
			 FROM slot s WHERE s."offeringId" = $1 AND s."startsAt" = $2`,
			[offeringId, startsAt],
		)
		await db.end()
		const check = rows[0]!
		const ok = booked === PLACES && full === ATTEMPTS - PLACES && other.length === 0 && check.bookings === PLACES && check.booked === PLACES
		const b = stats(booking.shots, booking.wallMs)
		const f = stats(floor.shots, floor.wallMs)
		report('booking', {
			parameters: { attempts: ATTEMPTS, places: PLACES, concurrency: ATTEMPTS, families: ATTEMPTS, route: `POST /services/book/:offeringId${suffix} (session + CSRF)`, server: `production build, 1 process, pool ${webPoolSize()} (server/web-defaults.ts)`, loadGenerator: 'node fetch, same machine' },
			floor: { route: `POST /floor${suffix}`, ...f, errors: floor.shots.filter((s) => s.status !== 200).length },
			result: { ...b, booked, full, otherAnswers: other.length, dbBookings: check.bookings, slotBooked: check.booked, slotCapacity: check.capacity, correct: ok, bookingsPerSecond: Math.round((booked / booking.wallMs) * 1000) },
			ratios: { 'attempts/s booking / floor': ratio(b.perSecond, f.perSecond), 'p99 booking / floor': ratio(b.p99, f.p99), 'p50 booking / floor': ratio(b.p50, f.p50) },
			notes: other.slice(0, 5).map((s) => `unexpected answer ${s.status}: ${(s.error ?? s.body ?? '').slice(0, 200)}`),
		})
		if (!ok) throw new Error(`booking benchmark incorrect: booked ${booked}, full ${full}, other ${other.length}, db ${JSON.stringify(check)}`)
	} finally {
		await server.stop()
	}
}
