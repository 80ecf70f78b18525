// `npm run bench -- [--fresh] <name> [<name> ...]`: runs the named benchmarks (all of them without a
// name). --fresh drops this prefix's bench databases first (BENCH_DB_PREFIX, default yiyang_bench),
// so the run starts as on a fresh machine.
//
// Each benchmark runs in its own process. The app reads its environment once per process
// (getEnv() caches DATABASE_URL and QUEUE_PREFIX; queues, pools and Redis clients are singletons),
// so a benchmark that points process.env at its own database and queue prefix must be the first to
// touch the app in its process. In one process, disbursement's card sealing (a fresh pass) cached the
// default environment, and operating-subsidy then queued its month under the default prefix
// `yiyang` while its worker and QueueEvents listened on the bench prefix: it waited forever.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dropBenchDatabases, markBenchStart } from './lib.ts'

const available = readdirSync(new URL('.', import.meta.url))
	.filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f))
	.map((f) => f.replace(/\.ts$/, ''))
	.sort()

const only = process.env.BENCH_RUN_ONE
if (only) {
	// The child: one benchmark, then exit (open handles of the benchmark must not keep it alive).
	markBenchStart()
	const mod = (await import(`./${only}.ts`)) as { default: () => Promise<void> }
	await mod.default()
	process.exit(0)
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const chosen = names.length ? names : available
for (const name of chosen) {
	if (!available.includes(name)) {
		console.error(`Unknown benchmark "${name}". Available: ${available.join(', ')}`)
		process.exit(2)
	}
}
if (process.argv.includes('--fresh')) await dropBenchDatabases()
const failed: string[] = []
for (const name of chosen) {
	// The same node with the same loader (tsx) as this process.
	const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, BENCH_RUN_ONE: name } })
	if (child.status !== 0) {
		console.error(`benchmark ${name} failed (${child.signal ?? `exit ${child.status}`})`)
		failed.push(name)
	}
}
process.exit(failed.length ? 1 : 0)
