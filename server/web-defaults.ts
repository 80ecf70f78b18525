import { webPoolSize } from './pool-size.ts'

// Defaults of a production web process, set before anything reads the environment (imported first
// by server/main.ts). Database connections: two per core unless DATABASE_POOL_SIZE says otherwise,
// PostgreSQL's rule of thumb for connections at work at once. More only queue on the same cores:
// 1,000 booking attempts at once on 2 cores ran at 0.37–0.42 of the floor with 10 connections and
// 0.50–0.52 with 4, and search at 1.01 against 1.20 (interleaved, quiet; docs/benchmarks.md). Workers
// keep the general default (their queues run several jobs at once).
process.env.DATABASE_POOL_SIZE ??= String(webPoolSize())
