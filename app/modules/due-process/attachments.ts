// Attachments of an appeal (复核材料): what is accepted, judged by the file's first bytes (never by its
// name or the browser's declared type). Pure, so the rules are unit-tested without a database.
export const MAX_ATTACHMENTS = 3
/** Per file: 2 MiB (a phone photo of a certificate, or a scanned PDF page or two). */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024

export type AttachmentMime = 'image/jpeg' | 'image/png' | 'application/pdf'
export type Attachment = { fileName: string; bytes: Uint8Array }

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b)

/** The type the bytes are, or null for anything else (a renamed .exe is not a PDF). */
export function sniffAttachment(bytes: Uint8Array): AttachmentMime | null {
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
	if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf' // %PDF-
	return null
}

/** A file name safe to show and to send back in Content-Disposition: no path, no control characters. */
export function cleanFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? ''
	// eslint-disable-next-line no-control-regex
	const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 120)
	return clean || 'attachment'
}
