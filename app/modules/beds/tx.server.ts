import type pg from 'pg'
import { withPgTransaction } from '~/lib/db.server.ts'

/**
 * A transaction for bed changes. The bed_tally trigger locks its counter rows in a fixed order, but
 * two transfers across bed types in opposite directions can still meet in a deadlock, which
 * PostgreSQL breaks by aborting one (40P01); nothing was written, so run it again.
 */
export async function bedsTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await withPgTransaction(fn)
		} catch (error) {
			const code = (error as { code?: string }).code
			if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw error
		}
	}
}
