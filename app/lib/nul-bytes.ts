/**
 * `html` without its NUL bytes (the same buffer when it has none). React 18.3's streaming renderer
 * pads a chunk with NUL bytes when a multi-byte character does not fit at its end (react#31134);
 * HTML never carries U+0000. The bytes around them are copied by the block (indexOf and one concat):
 * a byte-by-byte filter in JavaScript was 4% of a large page's CPU.
 */
export function withoutNulBytes(html: Buffer): Buffer {
	let nul = html.indexOf(0)
	if (nul === -1) return html
	const parts: Buffer[] = []
	let start = 0
	while (nul !== -1) {
		if (nul > start) parts.push(html.subarray(start, nul))
		start = nul + 1
		nul = html.indexOf(0, start)
	}
	if (start < html.length) parts.push(html.subarray(start))
	return Buffer.concat(parts)
}
