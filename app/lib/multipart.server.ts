/**
 * A multipart form's text field, read whole but refused past `maxChars` (`tooLong()` is thrown
 * then), so a hand-made post cannot make the server hold a huge "text" before the file arrives.
 */
export async function readTextPart(data: AsyncIterable<Uint8Array>, maxChars: number, tooLong: () => Error): Promise<string> {
	let text = ''
	const decoder = new TextDecoder()
	for await (const c of data) {
		text += decoder.decode(c, { stream: true })
		if (text.length > maxChars) throw tooLong()
	}
	return text + decoder.decode()
}
