// `npm run bench -- [--fresh] <name> [<name> ...]`: runs the named benchmarks (all of them without a
// name). --fresh drops this prefix's bench databases first (BENCH_DB_PREFIX, default yiyang_bench),
// so the run starts as on a fresh machine.
import { readdirSync } from 'node:fs'
import { dropBenchDatabases, markBenchStart } from './lib.ts'

const available = readdirSync(new URL('.', import.meta.url))
	.filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f))
	.map((f) => f.replace(/\.ts$/, ''))
	.sort()
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const chosen = names.length ? names : available
for (const name of chosen) {
	if (!available.includes(name)) {
		console.error(`Unknown benchmark "${name}". Available: ${available.join(', ')}`)
		process.exit(2)
	}
}
if (process.argv.includes('--fresh')) await dropBenchDatabases()
for (const name of chosen) {
	markBenchStart()
	const mod = (await import(`./${name}.ts`)) as { default: () => Promise<void> }
	await mod.default()
}
process.exit(0)
