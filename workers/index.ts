// The worker process: validates the environment, starts a BullMQ Worker for every queue in
// processors/index.ts, and closes them gracefully on SIGTERM so running jobs finish or are retried.
// Run as many of these processes as needed: BullMQ shares the jobs between them.
import { Worker } from 'bullmq'
import { disconnectDb } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { WORKERS } from './processors/index.ts'

getEnv()

const workers: Worker[] = []
for (const definition of WORKERS) {
	const worker = new Worker(definition.queue, definition.process, {
		connection: workerConnection(),
		prefix: queuePrefix(),
		concurrency: 1,
		...definition.options,
	})
	worker.on('failed', (job, error) => console.error(`[${definition.queue}] job ${job?.id} failed: ${error.message}`))
	worker.on('error', (error) => console.error(`[${definition.queue}] worker error: ${error.message}`))
	workers.push(worker)
}
for (const definition of WORKERS) await definition.onStart?.()
console.log(`Yiyang worker ${process.pid} running ${WORKERS.length} queue(s): ${WORKERS.map((w) => w.queue).join(', ') || 'none yet'}`)

let closing = false
async function shutdown(signal: string) {
	if (closing) return
	closing = true
	console.log(`Yiyang worker ${process.pid}: ${signal}, closing`)
	await Promise.allSettled(workers.map((w) => w.close()))
	await disconnectDb().catch(() => {})
	process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
// Keep the process alive with no queues registered yet.
setInterval(() => {}, 1 << 30)
