// Checks the services the app and its tests need (PostgreSQL, Redis, stripe-mock) and starts the
// ones that are down where that is safe: only at their default local addresses, and the system
// services only as root. Run directly (`npm run services`) to keep stripe-mock in the foreground.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, appendFileSync, closeSync, constants, mkdirSync, openSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { waitFor } from './lib/wait.ts'

export const STRIPE_MOCK_VERSION = 'v0.203.0'
const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock'

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/yiyang'
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'
const DEFAULT_STRIPE_API_BASE = 'http://127.0.0.1:12111'

// The documented start commands; they are run through `sh -c` exactly as printed in error messages.
const PG_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
const REDIS_START =
	'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const STRIPE_LOG = path.join(ROOT, '.cache', 'stripe-mock.log')
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])

type Log = (line: string) => void
type Probe = { state: 'up' } | { state: 'missing-db' } | { state: 'down' | 'error'; detail: string }

export async function ensureServices(opts: { stripe?: boolean; quiet?: boolean } = {}): Promise<{ stripeMock?: ChildProcess }> {
	const log: Log = opts.quiet ? () => {} : (line) => console.log(line)
	await ensurePostgres(log)
	await ensureRedis(log)
	if (opts.stripe === false) return {}
	const stripeMock = await ensureStripeMock(log)
	return stripeMock ? { stripeMock } : {}
}

// ---------------------------------------------------------------- PostgreSQL

async function ensurePostgres(log: Log): Promise<void> {
	const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL
	const u = new URL(url)
	const host = hostOf(u)
	const port = Number(u.port || 5432)
	const where = hostPort(host, port)
	const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || 'postgres'
	const notReachable = (why: string) => new Error(`PostgreSQL is not reachable at ${where}${why}. Start it with: ${PG_START}`)

	let probe = await probePostgres(url)
	let note = ''
	if (probe.state === 'down') {
		if (!(LOCAL_HOSTS.has(host) && port === 5432)) {
			throw notReachable(` (${probe.detail}; from DATABASE_URL, and only the default 127.0.0.1:5432 is started automatically)`)
		}
		const blocker = autoStartBlocker('pg_ctlcluster')
		if (blocker) throw notReachable(` (${probe.detail}; not started automatically: ${blocker})`)
		const started = await run('sh', ['-c', PG_START], 60_000)
		if (!started.ok) throw notReachable(` (starting it failed: ${lastLines(started.output)})`)
		try {
			await waitFor(async () => (probe = await probePostgres(url)).state !== 'down', 30_000, 'it')
		} catch (e) {
			throw notReachable(` (started it, but ${message(e)})`)
		}
		note = ' (started)'
	}
	if (probe.state === 'error') throw new Error(`PostgreSQL at ${where} refused the connection from DATABASE_URL: ${probe.detail}`)
	if (probe.state === 'missing-db') {
		await createDatabase(url, database, where)
		note += ` (created database ${database})`
	}
	log(`✓ PostgreSQL ${where}${note}`)
}

async function probePostgres(url: string): Promise<Probe> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
	client.on('error', () => {}) // a dropped connection must not crash the check
	try {
		await client.connect()
		await client.query('SELECT 1')
		return { state: 'up' }
	} catch (e) {
		const code = (e as { code?: unknown }).code
		if (code === '3D000') return { state: 'missing-db' }
		// A SQLSTATE means the server answered (auth, permissions); 57P03 is a server still starting up.
		const answered = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && code !== '57P03'
		return { state: answered ? 'error' : 'down', detail: message(e) }
	} finally {
		await client.end().catch(() => {})
	}
}

async function createDatabase(url: string, database: string, where: string): Promise<void> {
	const admin = new URL(url)
	admin.pathname = '/postgres'
	const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 })
	client.on('error', () => {})
	try {
		await client.connect()
		await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`)
	} catch (e) {
		// 42P04 / 23505: a parallel run created it first
		const code = (e as { code?: unknown }).code
		if (code !== '42P04' && code !== '23505') {
			throw new Error(`PostgreSQL at ${where}: database "${database}" does not exist and creating it through the "postgres" database failed: ${message(e)}`, { cause: e })
		}
	} finally {
		await client.end().catch(() => {})
	}
}

// ---------------------------------------------------------------- Redis

async function ensureRedis(log: Log): Promise<void> {
	const url = process.env.REDIS_URL || DEFAULT_REDIS_URL
	const u = new URL(url)
	const host = hostOf(u)
	const port = Number(u.port || 6379)
	const where = hostPort(host, port)
	const notReachable = (why: string) => new Error(`Redis is not reachable at ${where}${why}. Start it with: ${REDIS_START}`)

	let probe = await pingRedis(url)
	let note = ''
	if (probe.state === 'down') {
		// Never start a second server on another port: a non-default URL means someone else runs it.
		if (!(u.protocol === 'redis:' && LOCAL_HOSTS.has(host) && port === 6379)) {
			throw notReachable(` (${probe.detail}; from REDIS_URL, and only the default ${DEFAULT_REDIS_URL} is started automatically)`)
		}
		const blocker = autoStartBlocker('redis-server')
		if (blocker) throw notReachable(` (${probe.detail}; not started automatically: ${blocker})`)
		mkdirSync('/var/lib/redis', { recursive: true })
		mkdirSync('/var/log/redis', { recursive: true })
		const started = await run('sh', ['-c', REDIS_START], 30_000)
		if (!started.ok) throw notReachable(` (starting it failed: ${lastLines(started.output)})`)
		try {
			await waitFor(async () => (probe = await pingRedis(url)).state !== 'down', 15_000, 'it')
		} catch (e) {
			throw notReachable(` (started it, but ${message(e)}; see /var/log/redis/ci.log)`)
		}
		note = ' (started)'
	}
	if (probe.state !== 'up') throw new Error(`Redis at ${where} answered PING with an error (check the password in REDIS_URL): ${'detail' in probe ? probe.detail : ''}`)
	log(`✓ Redis ${where}${note}`)
}

async function pingRedis(url: string): Promise<Probe> {
	const redis = new Redis(url, {
		lazyConnect: true,
		maxRetriesPerRequest: 1,
		connectTimeout: 1500,
		enableOfflineQueue: false,
		retryStrategy: () => null, // one attempt; the caller decides whether to wait
	})
	redis.on('error', () => {}) // reported through the rejected promise instead
	try {
		await redis.connect()
		const pong = await redis.ping()
		return pong === 'PONG' ? { state: 'up' } : { state: 'error', detail: `unexpected reply ${pong}` }
	} catch (e) {
		// A ReplyError (NOAUTH, WRONGPASS) comes from a running server.
		return { state: (e as Error).name === 'ReplyError' ? 'error' : 'down', detail: message(e) }
	} finally {
		redis.disconnect()
	}
}

// ---------------------------------------------------------------- stripe-mock

async function ensureStripeMock(log: Log): Promise<ChildProcess | undefined> {
	const base = process.env.STRIPE_API_BASE || DEFAULT_STRIPE_API_BASE
	const u = new URL(base)
	const host = hostOf(u)
	const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
	const where = hostPort(host, port)
	// Listen on the loopback address itself ("localhost" may resolve to ::1 first); for a remote base
	// the hint below shows the local default.
	const listenHost = host === '::1' ? host : '127.0.0.1'
	const listen = (p: number) => hostPort(listenHost, p)
	const args = ['-http-addr', listen(port), '-https-addr', listen(port + 1)]
	const startCmd = `go install ${STRIPE_MOCK_MODULE}@${STRIPE_MOCK_VERSION} && $(go env GOPATH)/bin/stripe-mock ${args.join(' ')} (or: npm run services)`
	const notReachable = (why: string) => new Error(`stripe-mock is not reachable at ${where}${why}. Start it with: ${startCmd}`)

	if (await stripeAnswers(base)) {
		log(`✓ stripe-mock ${where}`)
		return undefined
	}
	if (!(u.protocol === 'http:' && LOCAL_HOSTS.has(host))) {
		throw notReachable(' (from STRIPE_API_BASE; it is started automatically only on a local http:// address)')
	}

	const bin = await stripeMockBinary(log, notReachable)
	mkdirSync(path.dirname(STRIPE_LOG), { recursive: true })
	appendFileSync(STRIPE_LOG, `\n--- ${new Date().toISOString()} ${bin} ${args.join(' ')}\n`)
	const logFd = openSync(STRIPE_LOG, 'a')
	const child = spawn(bin, args, { detached: false, stdio: ['ignore', logFd, logFd] })
	closeSync(logFd)

	let exited: string | undefined
	const killOnExit = () => child.kill()
	// Never leave an orphan behind if the caller forgets to kill it.
	process.once('exit', killOnExit)
	child.once('exit', (code, signal) => {
		exited = signal ? `signal ${signal}` : `exit code ${code}`
		process.off('exit', killOnExit)
	})
	child.once('error', (e) => {
		exited = e.message
	})
	try {
		await waitFor(
			async () => {
				if (exited) throw new Error(`it stopped (${exited})`)
				return stripeAnswers(base)
			},
			20_000,
			'it',
		)
	} catch (e) {
		child.kill()
		const logTail = lastLines(readFileSync(STRIPE_LOG, 'utf8'))
		throw notReachable(` (started ${bin}, but ${message(e)}; ${path.relative(ROOT, STRIPE_LOG)} ends with: ${logTail})`)
	}
	log(`✓ stripe-mock ${where} (started, pid ${child.pid})`)
	return child
}

async function stripeAnswers(base: string): Promise<boolean> {
	try {
		const res = await fetch(new URL('/v1/charges', base), {
			headers: { Authorization: 'Bearer sk_test_123' },
			signal: AbortSignal.timeout(1500),
		})
		await res.body?.cancel()
		return true // any HTTP status means something answers
	} catch {
		return false
	}
}

/** Finds the pinned stripe-mock in Go's bin folder, installing it there first if needed. */
async function stripeMockBinary(log: Log, notReachable: (why: string) => Error): Promise<string> {
	const env = await run('go', ['env', 'GOBIN', 'GOPATH'], 30_000)
	if (!env.ok) {
		// Without Go, a stripe-mock already on PATH is the only option.
		const onPathBin = which('stripe-mock')
		if (onPathBin) return onPathBin
		throw notReachable(` (Go is not installed, so stripe-mock cannot be built: ${lastLines(env.output)})`)
	}
	const [gobin = '', gopath = ''] = env.stdout.split('\n').map((line) => line.trim())
	const binDir = gobin || path.join(gopath.split(path.delimiter)[0] ?? '', 'bin')
	const bin = path.join(binDir, 'stripe-mock')
	if (isExecutable(bin)) return bin

	log(`… installing stripe-mock ${STRIPE_MOCK_VERSION} into ${binDir} (go install, first run only)`)
	const installed = await run('go', ['install', `${STRIPE_MOCK_MODULE}@${STRIPE_MOCK_VERSION}`], 10 * 60_000)
	if (!installed.ok || !isExecutable(bin)) throw notReachable(` (go install failed: ${lastLines(installed.output)})`)
	return bin
}

// ---------------------------------------------------------------- helpers

function hostOf(u: URL): string {
	return u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1'
}

function hostPort(host: string, port: number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Why a system service cannot be started from here, or undefined when it can. */
function autoStartBlocker(command: string): string | undefined {
	if (process.getuid?.() !== 0) return 'not running as root'
	if (!which(command)) return `${command} is not installed`
	return undefined
}

function which(command: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const file = path.join(dir || '.', command)
		if (isExecutable(file)) return file
	}
	return undefined
}

function isExecutable(file: string): boolean {
	try {
		accessSync(file, constants.X_OK)
		return true
	} catch {
		return false
	}
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; stdout: string; output: string }> {
	return new Promise((resolve) => {
		execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
			resolve({ ok: !error, stdout: String(stdout), output: `${stderr}${stdout}`.trim() || (error ? error.message : '') })
		})
	})
}

function lastLines(text: string, count = 5): string {
	return text.trim().split('\n').slice(-count).join(' | ') || '(no output)'
}

function message(e: unknown): string {
	if (e instanceof AggregateError && e.errors.length) return e.errors.map(message).join('; ')
	return e instanceof Error ? e.message || e.name : String(e)
}

// ---------------------------------------------------------------- direct run

async function main(): Promise<void> {
	let services: { stripeMock?: ChildProcess }
	try {
		services = await ensureServices()
	} catch (e) {
		console.error(`✗ ${message(e)}`)
		process.exit(1)
	}
	const child = services.stripeMock
	if (!child) return // everything was already running; nothing to hold in the foreground
	console.log(`stripe-mock runs in the foreground (log: ${path.relative(ROOT, STRIPE_LOG)}). Press Ctrl-C to stop it.`)
	let stopping = false
	const stop = () => {
		stopping = true
		child.kill('SIGTERM')
	}
	process.once('SIGINT', stop)
	process.once('SIGTERM', stop)
	child.once('exit', (code, signal) => {
		if (!stopping) console.error(`✗ stripe-mock stopped unexpectedly (${signal ?? `exit code ${code}`}); see ${path.relative(ROOT, STRIPE_LOG)}`)
		process.exit(stopping ? 0 : 1)
	})
}

// No top-level await, so loaders that compile this file to CommonJS can still import it.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) void main()
