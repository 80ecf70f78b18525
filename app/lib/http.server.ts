/** The client's address, for audit entries and sign-in limits (express trusts only a loopback proxy). */
export function clientIp(request: Request): string | null {
	return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || null
}

/**
 * Throws a Response (400 unless told otherwise) when the condition is false, like the Epic Stack's
 * `invariantResponse`: `invariantResponse(booking, 'Not found', { status: 404 })`.
 */
export function invariantResponse(condition: unknown, message: string | (() => string), responseInit?: ResponseInit): asserts condition {
	if (!condition) {
		throw new Response(typeof message === 'function' ? message() : message, { status: 400, ...responseInit })
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A route's id parameter, or 404 when it is missing or not a UUID (never a database error, never 500). */
export function requireId(params: Record<string, string | undefined>, name: string): string {
	const value = params[name]
	invariantResponse(value && UUID.test(value), 'Not found', { status: 404 })
	return value
}

/** A UUID read from a form or query, or 404 (the object it names cannot exist). */
export function requireUuid(value: FormDataEntryValue | string | null | undefined): string {
	invariantResponse(typeof value === 'string' && UUID.test(value), 'Not found', { status: 404 })
	return value
}

/** 404 unless found: `const elder = notFoundUnless(await getElder(user, id))`. */
export function notFoundUnless<T>(value: T | null | undefined, message = 'Not found'): T {
	invariantResponse(value !== null && value !== undefined, message, { status: 404 })
	return value
}
