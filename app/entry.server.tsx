import { Transform } from 'node:stream'
import { createReadableStreamFromReadable, type EntryContext } from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { getEnv } from '~/lib/env.server.ts'

// Fail at start-up, not on the first request that needs a value.
getEnv()

const ABORT_DELAY = 5_000

/**
 * React 18.3's streaming renderer flushes its whole 2 KB buffer when a multi-byte character (any
 * Chinese text) does not fit at its end, so the unwritten tail goes out as NUL bytes (react#31134).
 * HTML never carries U+0000 (browsers drop it from text but turn it into U+FFFD inside scripts and
 * attributes, which corrupts hydration data), so every NUL byte is removed on the way out.
 */
function withoutNulBytes() {
	return new Transform({
		transform(chunk: Buffer, _encoding, done) {
			done(null, chunk.includes(0) ? Buffer.from(chunk.filter((byte) => byte !== 0)) : chunk)
		},
	})
}
export const streamTimeout = ABORT_DELAY

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
	const waitForAll = isbot(request.headers.get('user-agent') ?? '')
	return new Promise((resolve, reject) => {
		let shellRendered = false
		const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />, {
			[waitForAll ? 'onAllReady' : 'onShellReady']() {
				shellRendered = true
				const body = withoutNulBytes()
				responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
				resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }))
				pipe(body)
			},
			onShellError(error: unknown) {
				reject(error)
			},
			onError(error: unknown) {
				responseStatusCode = 500
				if (shellRendered) console.error(error)
			},
		})
		setTimeout(abort, ABORT_DELAY + 1000)
	})
}

export function handleError(error: unknown, { request }: { request: Request }) {
	// An aborted request, or a 4xx the app answered on purpose (unknown page, no access), is not a fault.
	if (request.signal.aborted || (isRouteErrorResponse(error) && error.status < 500)) return
	console.error(error)
}
