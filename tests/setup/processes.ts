// Real worker processes and a private Redis for the allowance tests and benchmark. Each child runs
// in its own process group, so `kill -9` reaches every process it started, and every child
// is killed when the test process exits, whatever happened.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const children = new Set<ChildProcess>()

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
	try {
		process.kill(-child.pid, signal)
	} catch {
		// already gone
	}
}

function killAll() {
	for (const child of children) killGroup(child, 'SIGKILL')
}
process.once('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => {
	killAll()
	process.exit(1)
})

export type Child = {
	child: ChildProcess
	output: () => string
	/** kill -9 of the whole process group. */
	kill9: () => Promise<void>
	/** SIGTERM, then SIGKILL after a grace period. */
	stop: () => Promise<void>
	/** Every pid in the group. */
	pids: () => number[]
}

function waitExit(child: ChildProcess, ms: number) {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
	return Promise.race([new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))), sleep(ms).then(() => false)])
}

export function spawnGroup(command: string, args: string[], env: Record<string, string | undefined>): Child {
	const child = spawn(command, args, { env: { ...process.env, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
	children.add(child)
	let out = ''
	const keep = (b: Buffer) => {
		out = (out + b.toString()).slice(-20_000)
		if (process.env.DEBUG_CHILDREN) process.stdout.write(b)
	}
	child.stdout!.on('data', keep)
	child.stderr!.on('data', keep)
	child.once('exit', () => children.delete(child))
	return {
		child,
		output: () => out,
		kill9: async () => {
			killGroup(child, 'SIGKILL')
			await waitExit(child, 5000)
		},
		stop: async () => {
			killGroup(child, 'SIGTERM')
			if (!(await waitExit(child, 8000))) {
				killGroup(child, 'SIGKILL')
				await waitExit(child, 5000)
			}
		},
		pids: () => {
			const r = spawnSync('pgrep', ['-g', String(child.pid)], { encoding: 'utf8' })
			return r.stdout.split('\n').filter(Boolean).map(Number)
		},
	}
}

/**
 * A worker process as production runs it: the compiled `build/node/worker.js` (npm test builds it
 * first; the HTTP tests need the same build) with the given database, Redis and queue prefix. Loading
 * the TypeScript sources through tsx instead cost each worker seconds of CPU before it ran. A loaded
 * machine can take many seconds to start a process: `startMs` bounds the wait for it to say it runs.
 */
export async function startWorker(env: Record<string, string | undefined>, opts: { waitReady?: boolean; startMs?: number } = {}): Promise<Child> {
	if (!existsSync('build/node/worker.js')) throw new Error('No production build: run `npm run build` first (npm test does).')
	const w = spawnGroup(process.execPath, ['build/node/worker.js'], { NODE_ENV: 'test', ...env })
	if (opts.waitReady !== false) {
		const until = Date.now() + (opts.startMs ?? 15_000)
		while (Date.now() < until) {
			if (/Yiyang worker \d+ running/.test(w.output())) return w
			if (w.child.exitCode !== null) throw new Error(`worker exited early:\n${w.output()}`)
			await sleep(50)
		}
		throw new Error(`worker did not start:\n${w.output()}`)
	}
	return w
}

/** Peak resident memory (VmHWM, kB) of the node process in a group: the largest in the group. */
export function peakRssKb(w: Child): number {
	let max = 0
	for (const pid of w.pids()) {
		try {
			const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
			if (m) max = Math.max(max, Number(m[1]))
		} catch {
			// exited
		}
	}
	return max
}

/** A private, throw-away redis-server (never the shared one on 6379). */
export async function startPrivateRedis(port: number): Promise<Child> {
	const r = spawnGroup('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {})
	for (let i = 0; i < 100; i++) {
		const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' })
		if (ping.stdout.trim() === 'PONG') return r
		await sleep(50)
	}
	throw new Error(`private redis on ${port} did not start:\n${r.output()}`)
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, opts: { timeoutMs: number; intervalMs?: number; what: string }): Promise<T> {
	const end = Date.now() + opts.timeoutMs
	for (;;) {
		const v = await fn()
		if (v) return v
		if (Date.now() > end) throw new Error(`timed out waiting for ${opts.what}`)
		await sleep(opts.intervalMs ?? 50)
	}
}
