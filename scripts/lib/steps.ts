// The steps of `npm test`: a child process each, timed. Steps run together buffer their output and
// print it as one block when they end, so parallel logs never interleave.
import { spawn, spawnSync } from 'node:child_process'

export type StepResult = { label: string; ok: boolean; seconds: number }

const seconds = (t0: number) => Math.round((Date.now() - t0) / 100) / 10

/** Runs a command; `buffer` keeps its output until it ends (for steps run side by side). */
export function runStep(label: string, command: string, args: string[], opts: { buffer?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<StepResult> {
	const t0 = Date.now()
	if (!opts.buffer) console.log(`\n▶ ${label}`)
	return new Promise((resolve) => {
		const child = spawn(command, args, { env: opts.env ?? process.env, stdio: opts.buffer ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
		let output = ''
		child.stdout?.on('data', (b: Buffer) => (output += b.toString()))
		child.stderr?.on('data', (b: Buffer) => (output += b.toString()))
		const finish = (ok: boolean, why = '') => {
			const s = seconds(t0)
			if (opts.buffer) {
				console.log(`\n▶ ${label}`)
				if (output.trim()) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`)
			}
			console.log(`${ok ? '✓' : '✗'} ${label} (${s} s)${why}`)
			resolve({ label, ok, seconds: s })
		}
		child.once('error', (e) => finish(false, `: ${e.message}`))
		child.once('exit', (code, signal) => finish(code === 0, code === 0 ? '' : `: ${signal ?? `exit code ${code}`}`))
	})
}

/** Runs an in-process task as a step (its own output is printed as it comes). */
export async function runTask(label: string, task: () => Promise<void>): Promise<StepResult> {
	const t0 = Date.now()
	try {
		await task()
		console.log(`✓ ${label} (${seconds(t0)} s)`)
		return { label, ok: true, seconds: seconds(t0) }
	} catch (e) {
		console.error(`✗ ${label} (${seconds(t0)} s): ${e instanceof Error ? e.message : String(e)}`)
		return { label, ok: false, seconds: seconds(t0) }
	}
}

/** Runs a command in the foreground for an operator script (setup, start); stops the script if it fails. */
export function runOrExit(label: string, command: string, args: string[]) {
	console.log(`▶ ${label}`)
	const result = spawnSync(command, args, { stdio: 'inherit', env: process.env })
	if (result.status !== 0) {
		console.error(`✗ ${label} failed`)
		process.exit(result.status ?? 1)
	}
}
