import { randomUUID } from 'node:crypto'

// Test files run in parallel, and some start full worker processes that listen on every queue.
// A queue prefix per file keeps one file's workers from taking another file's jobs.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}_${randomUUID().slice(0, 8)}`
