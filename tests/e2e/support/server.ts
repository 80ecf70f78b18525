// One app per Playwright worker: scripts/e2e-server.ts (web server and job worker on a copy of the
// template database, with its own queue prefix and port), started when the worker starts and
// stopped when it ends. Workers share nothing but PostgreSQL, Redis and stripe-mock, so the tests of
// one worker never see another's rows, jobs, sessions or used TOTP steps.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../../scripts/lib/ports.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))

export type E2eServer = { port: number; url: string; stop: () => Promise<void> }

/** Prints the server's output line by line, each line marked with the worker it belongs to. */
function forward(child: ChildProcess, tag: string) {
	for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
		let rest = ''
		stream?.on('data', (b: Buffer) => {
			const lines = (rest + b.toString()).split('\n')
			rest = lines.pop() ?? ''
			for (const line of lines) out.write(`${tag} ${line}\n`)
		})
	}
}

export async function startE2eServer(workerIndex: number, timeoutMs: number): Promise<E2eServer> {
	const port = await freePort()
	const url = `http://127.0.0.1:${port}`
	// node with tsx as a loader (not npx), so SIGTERM reaches the script that cleans up.
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/e2e-server.ts'], { cwd: root, env: { ...process.env, E2E_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] })
	forward(child, `[server ${workerIndex}]`)
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
	let gone = false
	void exited.then(() => (gone = true))
	const deadline = Date.now() + timeoutMs
	for (;;) {
		if (gone) throw new Error(`the e2e server for worker ${workerIndex} exited before it answered`)
		const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false)
		if (up) break
		if (Date.now() > deadline) {
			child.kill('SIGTERM')
			throw new Error(`the e2e server for worker ${workerIndex} did not answer ${url}/healthz within ${timeoutMs / 1000} s`)
		}
		await new Promise((r) => setTimeout(r, 100))
	}
	return {
		port,
		url,
		stop: async () => {
			if (gone) return
			child.kill('SIGTERM')
			// scripts/e2e-server.ts stops its children, then drops its database.
			const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
			await exited
			clearTimeout(timer)
		},
	}
}
