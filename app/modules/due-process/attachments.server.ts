// Reading an appeal form with its attachments, and handing an attachment to a reviewing officer.
// The multipart body is parsed as it streams: each file is counted as it arrives and refused past
// MAX_ATTACHMENT_BYTES before more is read, so no request holds more than the limit per file in
// memory; the files are stored in PostgreSQL (appeal_attachment.bytes), never on local disk.
import { unstable_parseMultipartFormData } from '@remix-run/node'
import { prisma } from '~/lib/db.server.ts'
import { readTextPart } from '~/lib/multipart.server.ts'
import { fieldFail, type Failure } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { readProtectedForm, validateCsrf } from '~/modules/auth/csrf.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { cleanFileName, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type Attachment } from './attachments.ts'

class Refused extends Error {
	constructor(readonly failure: Failure) {
		super(failure.formError ?? 'refused')
	}
}

const tooLarge = () => new Refused(fieldFail('attachments', 'subsidies:dueProcess.errors.attachmentTooLarge', 413))
const tooMany = () => new Refused(fieldFail('attachments', 'subsidies:dueProcess.errors.attachmentTooMany', 400))

/**
 * The appeal form: its text fields (CSRF checked) and up to MAX_ATTACHMENTS files. A plain
 * url-encoded form (no files) is read as usual. Refusals come back as a Failure with nothing stored;
 * a declared length over all limits together as 'tooLarge', before anything is read.
 */
export async function readAppealForm(request: Request): Promise<{ formData: FormData; attachments: Attachment[] } | { formData: FormData; failure: Failure } | 'tooLarge'> {
	const type = request.headers.get('content-type') ?? ''
	if (!type.startsWith('multipart/form-data')) {
		return { formData: await readProtectedForm(request), attachments: [] }
	}
	const declared = Number(request.headers.get('content-length') ?? 0)
	// Over every limit at once: refused before the body is read.
	if (declared > MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 64 * 1024) return 'tooLarge'
	const fields = new FormData()
	const attachments: Attachment[] = []
	let failure: Failure | null = null
	try {
		await unstable_parseMultipartFormData(request, async ({ name, filename, data }) => {
			if (name !== 'attachments' || filename === undefined) {
				fields.append(name, await readTextPart(data, 8192, () => new Refused(fieldFail('reasons', 'errors.text.tooLong', 400))))
				return undefined
			}
			const chunks: Uint8Array[] = []
			let size = 0
			for await (const c of data) {
				size += c.byteLength
				if (size > MAX_ATTACHMENT_BYTES) throw tooLarge()
				chunks.push(c)
			}
			// A file input left empty sends a part with no name and no bytes.
			if (!filename && size === 0) return undefined
			if (attachments.length >= MAX_ATTACHMENTS) throw tooMany()
			attachments.push({ fileName: cleanFileName(filename), bytes: Buffer.concat(chunks) })
			return undefined
		})
	} catch (error) {
		if (!(error instanceof Refused)) throw error
		failure = error.failure
	}
	await validateCsrf(fields, request)
	return failure ? { formData: fields, failure } : { formData: fields, attachments }
}

/** An attachment for an officer who may review its appeal (`mayReview`), audited; null otherwise. */
export async function attachmentFor(user: SessionUser, attachmentId: string, mayReview: (appealId: string) => Promise<{ districtId: string } | null>, ip: string | null) {
	const row = await prisma.appealAttachment.findUnique({ where: { id: attachmentId }, select: { id: true, appealId: true, fileName: true, mime: true, bytes: true } })
	if (!row) return null
	const appeal = await mayReview(row.appealId)
	if (!appeal) return null
	await audit({ actor: user, action: 'appeal.attachment_download', entityType: 'appeal_attachment', entityId: row.id, districtId: appeal.districtId, ip, details: { appealId: row.appealId, fileName: row.fileName } })
	return row
}
