// Remix encodes each document's loader data for the browser (turbo-stream's encode) while it builds
// the entry context, before entry.server renders: the encoding runs in the stream's start(). A
// document answered from app/lib/document-cache.server.ts never reads that stream, so on the bed
// dashboard the encoding was about 8% of a cached view's CPU spent for nothing. This makes the
// encode lazy: the same stream, encoded when it is first read (a queue of size 0 keeps the stream
// from pulling before anyone reads); a stream cancelled unread encodes nothing.
// tests/unit/lazy-handoff-stream.test.ts compares its output with the original's.
import { createRequire } from 'node:module'
import path from 'node:path'

type Encode = ((input: unknown, options?: unknown) => ReadableStream<Uint8Array>) & { [LAZY]?: true }
const LAZY = Symbol.for('yiyang.lazyTurboStream')

export function lazyEncode(original: Encode): Encode {
	if (original[LAZY]) return original
	const lazy: Encode = (input, options) => {
		let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
		return new ReadableStream<Uint8Array>(
			{
				async pull(controller) {
					reader ??= original(input, options).getReader()
					const { done, value } = await reader.read()
					if (done) controller.close()
					else controller.enqueue(value)
				},
				cancel(reason) {
					return reader?.cancel(reason)
				},
			},
			{ highWaterMark: 0 },
		)
	}
	lazy[LAZY] = true
	return lazy
}

/** Makes the turbo-stream that @remix-run/server-runtime loads (its CommonJS build) encode lazily. */
export function installLazyHandoffStream(): void {
	const require = createRequire(path.resolve('package.json'))
	let turbo: { encode?: Encode } | null
	try {
		turbo = createRequire(require.resolve('@remix-run/server-runtime'))('turbo-stream') as { encode?: Encode }
	} catch {
		turbo = null
	}
	if (turbo && typeof turbo.encode === 'function') turbo.encode = lazyEncode(turbo.encode)
	else console.warn('lazy-handoff-stream: turbo-stream is not the expected version; documents are encoded eagerly')
}
