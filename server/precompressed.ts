// Serves the brotli or gzip copy `npm run build` made (scripts/precompress.ts) of a build asset, when
// the client accepts it; express.static then sends that file with the original's type and the
// build's cache headers, and `compression` leaves it alone (it is already encoded).
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { RequestHandler } from 'express'

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }

/** The copies in `dir` (paths from `dir`, with a leading slash) that are not older than their original. */
function copiesIn(dir: string): Set<string> {
	const found = new Set<string>()
	const walk = (sub: string) => {
		for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
			const rel = `${sub}/${entry.name}`
			if (entry.isDirectory()) walk(rel)
			else if (/\.(br|gz)$/.test(entry.name)) {
				const original = path.join(dir, rel.slice(0, -3))
				try {
					if (statSync(path.join(dir, rel)).mtimeMs >= statSync(original).mtimeMs) found.add(rel)
				} catch {
					// no original: a leftover of an older build
				}
			}
		}
	}
	try {
		walk('')
	} catch {
		// no build directory yet
	}
	return found
}

/** Mounted where `dir` is served (before express.static of the same directory). */
export function precompressed(dir: string): RequestHandler {
	const copies = copiesIn(dir)
	return (req, res, next) => {
		const type = TYPES[path.extname(req.path)]
		if ((req.method !== 'GET' && req.method !== 'HEAD') || !type) return next()
		res.vary('Accept-Encoding')
		// Brotli whenever accepted: browsers list it after gzip ("gzip, deflate, br, zstd") at the same
		// weight, which content negotiation alone would answer with gzip.
		const encoding = req.acceptsEncodings('br') ? 'br' : req.acceptsEncodings('gzip') ? 'gzip' : null
		const copy = encoding && `${req.path}.${encoding === 'br' ? 'br' : 'gz'}`
		if (!copy || !copies.has(copy)) return next()
		res.setHeader('Content-Encoding', encoding!)
		res.setHeader('Content-Type', type)
		// Build names are hashed: the query string, if any, changes nothing.
		req.url = copy
		next()
	}
}
