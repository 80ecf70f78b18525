import { randomUUID } from 'node:crypto'

// Test files run in parallel, and some start full worker processes that listen on every queue.
// A queue prefix per file keeps one file's workers from taking another file's jobs (and, as the
// prefix is part of every cache key, one file's cached values from another's).
const state = globalThis as typeof globalThis & { __yiyangQueuePrefixBase?: string }
state.__yiyangQueuePrefixBase ??= process.env.QUEUE_PREFIX!
process.env.QUEUE_PREFIX = `${state.__yiyangQueuePrefixBase}_${randomUUID().slice(0, 8)}`
