// The lazy turbo-stream encode (server/lazy-handoff-stream.ts) gives the same bytes as the original,
// and encodes nothing for a stream cancelled unread (a document answered from the document cache).
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { lazyEncode } from '../../server/lazy-handoff-stream.ts'

const require = createRequire(import.meta.url)
const turbo = createRequire(require.resolve('@remix-run/server-runtime'))('turbo-stream') as { encode: (input: unknown, options?: unknown) => ReadableStream<Uint8Array> }

async function bytes(stream: ReadableStream<Uint8Array>) {
	const chunks: Uint8Array[] = []
	const reader = stream.getReader()
	for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value)
	return Buffer.concat(chunks).toString('utf8')
}

describe('lazy turbo-stream encode', () => {
	it('streams what the original streams, deferred values included', async () => {
		const data = () => ({ loaderData: { root: { user: { id: 'u', name: '王芳' }, at: new Date(0), n: [1, 2, 3] }, page: { later: Promise.resolve({ x: 1 }) } }, actionData: null })
		expect(await bytes(lazyEncode(turbo.encode)(data()))).toBe(await bytes(turbo.encode(data())))
	})

	it('encodes nothing until read, and nothing at all when cancelled unread', async () => {
		let calls = 0
		const counted = (input: unknown, options?: unknown) => {
			calls++
			return turbo.encode(input, options)
		}
		const stream = lazyEncode(counted)({ a: 1 })
		await new Promise((r) => setTimeout(r, 10))
		expect(calls).toBe(0)
		await stream.cancel()
		expect(calls).toBe(0)
		expect(await bytes(lazyEncode(counted)({ a: 1 }))).toBe(await bytes(turbo.encode({ a: 1 })))
		expect(calls).toBe(1)
	})
})
