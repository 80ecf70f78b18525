import { availableParallelism } from 'node:os'

/** A production web process's database pool: DATABASE_POOL_SIZE, else two connections per core (server/web-defaults.ts says why). */
export const webPoolSize = () => Number(process.env.DATABASE_POOL_SIZE ?? 2 * availableParallelism())
