// PostgreSQL errors as they reach us either way: thrown by node-postgres (`sql` on the pool or in a
// transaction) or wrapped by Prisma's driver adapter (row work, `P2002` and friends).

type AdapterCause = { originalCode?: string; originalMessage?: string }

export type PgError = { code: string; message: string; constraint?: string }

/** SQLSTATE, message and constraint (or the rule a trigger raised with) of a pg or Prisma error; null otherwise. */
export function pgErrorOf(error: unknown): PgError | null {
	const e = error as {
		code?: unknown
		message?: unknown
		constraint?: unknown
		meta?: { driverAdapterError?: { cause?: AdapterCause } }
		name?: unknown
		cause?: AdapterCause
	}
	if (!e || typeof e !== 'object') return null
	// PrismaClientKnownRequestError (P2002...) keeps the adapter's error in meta; other refusals
	// (a trigger's check_violation) reach us as the DriverAdapterError itself.
	const cause = e.meta?.driverAdapterError?.cause ?? (e.name === 'DriverAdapterError' ? e.cause : undefined)
	if (cause?.originalCode) {
		// Prisma's adapter keeps PostgreSQL's message but not the constraint field: read it from the message.
		const message = cause.originalMessage ?? ''
		return { code: cause.originalCode, message, constraint: nameIn(message) }
	}
	if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
		const message = String(e.message ?? '')
		return { code: e.code, message, constraint: typeof e.constraint === 'string' && e.constraint ? e.constraint : nameIn(message) }
	}
	return null
}

/**
 * The rule named by a message: PostgreSQL's 'violates unique constraint "x"' / 'violates check
 * constraint "x"', and our triggers' 'violates rule "x"' (see prisma/migrations/*_named_rules).
 */
function nameIn(message: string): string | undefined {
	return /violates (?:[a-z ]*?)(?:constraint|rule) "?([A-Za-z0-9_]+)"?/.exec(message)?.[1]
}

/** A unique index refused the write (any index, or the one named). */
export function isUniqueViolation(error: unknown, index?: string) {
	const pgErr = pgErrorOf(error)
	return pgErr?.code === '23505' && (!index || pgErr.constraint === index || pgErr.message.includes(index))
}
