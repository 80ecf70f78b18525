import { Writable } from 'node:stream'
import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { renderToPipeableStream } from 'react-dom/server'
import { NonceProvider } from '~/components/nonce.tsx'
import { admitDocument, cachedDocument, documentKey, keepDocument, NONCE_STAND_IN } from '~/lib/document-cache.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { withoutNulBytes } from '~/lib/nul-bytes.ts'

// Fail at start-up, not on the first request that needs a value.
getEnv()

const ABORT_DELAY = 5_000

/**
 * The whole document is rendered into memory and sent as one body. No page suspends (nothing is
 * deferred), so the shell is the whole page anyway; one buffer instead of a stream of React's
 * 2 KB chunks through a transform and a web stream saves a write system call per chunk and the
 * stream plumbing per request (profile of /floor), and React's stray NUL bytes are stripped in one
 * pass (~/lib/nul-bytes.ts).
 */
function collect(onDone: (html: Buffer) => void, onFail: (error: unknown) => void) {
	const chunks: Buffer[] = []
	return new Writable({
		write(chunk: Buffer, _encoding, done) {
			chunks.push(chunk)
			done()
		},
		final(done) {
			onDone(withoutNulBytes(Buffer.concat(chunks)))
			done()
		},
		destroy(error, done) {
			if (error) onFail(error)
			done(error)
		},
	})
}
export const streamTimeout = ABORT_DELAY

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext, loadContext: AppLoadContext) {
	// Every script the page carries gets the nonce the Content-Security-Policy header names (server.ts).
	const nonce = typeof loadContext.cspNonce === 'string' ? loadContext.cspNonce : ''
	const respond = (html: Buffer) => {
		responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
		responseHeaders.set('Content-Length', String(html.length))
		return new Response(html as Uint8Array<ArrayBuffer>, { headers: responseHeaders, status: responseStatusCode })
	}
	// A page that opts in is rendered once per distinct input (~/lib/document-cache.server.ts).
	let key = documentKey(request, responseStatusCode, remixContext)
	const cached = key && cachedDocument(key, nonce)
	if (cached) {
		// The data was already encoded for the render this request no longer needs.
		remixContext.serverHandoffStream?.cancel().catch(() => {})
		return respond(cached)
	}
	if (key && !admitDocument(key)) key = null
	const renderNonce = key ? NONCE_STAND_IN : nonce
	return new Promise((resolve, reject) => {
		let shellRendered = false
		let failed = false
		const { pipe, abort } = renderToPipeableStream(
			<NonceProvider value={renderNonce}>
				<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={renderNonce} />
			</NonceProvider>,
			{
			nonce: renderNonce,
			onShellReady() {
				shellRendered = true
			},
			onAllReady() {
				pipe(
					collect((html) => {
						clearTimeout(timer)
						resolve(respond(key ? keepDocument(failed ? null : key, html, nonce) : html))
					}, reject),
				)
			},
			onShellError(error: unknown) {
				clearTimeout(timer)
				reject(error)
			},
			onError(error: unknown) {
				failed = true
				responseStatusCode = 500
				if (shellRendered) console.error(error)
			},
			},
		)
		const timer = setTimeout(abort, ABORT_DELAY + 1000)
	})
}

export function handleError(error: unknown, { request }: { request: Request }) {
	// An aborted request, or a 4xx the app answered on purpose (unknown page, no access), is not a fault.
	if (request.signal.aborted || (isRouteErrorResponse(error) && error.status < 500)) return
	console.error(error)
}
