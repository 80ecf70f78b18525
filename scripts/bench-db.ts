// Prepares (creates, migrates, seeds) a benchmark database ahead of time: `npx tsx scripts/bench-db.ts city`.
import { benchDatabase } from '../bench/lib.ts'

const scale = process.argv[2] === 'city' ? 'city' : 'demo'
const url = await benchDatabase(scale)
console.log(`ready: ${url}`)
process.exit(0)
