// Part of `npm run build`: writes a brotli (quality 11) and a gzip (level 9) copy beside every script
// and stylesheet of the browser build (public/build) worth compressing, once. server.ts serves them
// (server/precompressed.ts) instead of compressing the same files on each request at the quick
// levels: about 15% smaller for brotli (the root's scripts: 184 KB -> 153 KB) and no CPU per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const DIR = 'public/build'
const MIN_BYTES = 1024

function* files(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name)
		if (entry.isDirectory()) yield* files(full)
		else if (/\.(js|css)$/.test(entry.name)) yield full
	}
}

let count = 0
let before = 0
let after = 0
for (const file of files(DIR)) {
	const body = readFileSync(file)
	if (body.length < MIN_BYTES) continue
	const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
	writeFileSync(`${file}.br`, br)
	writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }))
	count++
	before += body.length
	after += br.length
	if (statSync(`${file}.br`).size !== br.length) throw new Error(`could not write ${file}.br`)
}
console.log(`precompressed ${count} files in ${DIR}: ${Math.round(before / 1024)} KB -> ${Math.round(after / 1024)} KB (brotli)`)
