import { data } from '@remix-run/node'

/** Throws a Response with status when the condition fails (Epic Stack's invariantResponse). */
export function invariantResponse(condition: unknown, message: string, init: { status: number } = { status: 400 }): asserts condition {
	if (!condition) throw new Response(message, { status: init.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

export function forbidden(message = 'Forbidden'): never {
	throw new Response(message, { status: 403 })
}

export function notFound(message = 'Not found'): never {
	throw new Response(message, { status: 404 })
}

/** A 4xx answer carrying a translatable message key for the form. */
export function badRequest<T extends Record<string, unknown>>(body: T, status = 400) {
	return data(body, { status })
}

export function clientIp(request: Request): string | null {
	return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || null
}
