// Photos of an acceptance inspection (optional, at most 3, JPEG/PNG/WebP up to 2 MB each). The
// type is read from the file's first bytes, never from the name or the browser's word, and is the
// only Content-Type the photo is ever served with.
import { fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { isCityWide, canActInDistrict } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export const MAX_PHOTOS = 3
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024
export type Photo = { contentType: string; bytes: Uint8Array }

export function imageTypeOf(b: Uint8Array): string | null {
	if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
	if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png'
	if (b.length > 12 && String.fromCharCode(...b.slice(0, 4)) === 'RIFF' && String.fromCharCode(...b.slice(8, 12)) === 'WEBP') return 'image/webp'
	return null
}

/** The photos of a submitted form (field `photos`; an empty file input sends an empty file, ignored). */
export async function readPhotos(formData: FormData): Promise<Outcome<Photo[]>> {
	const files = formData.getAll('photos').filter((f): f is File => typeof f !== 'string' && f.size > 0)
	if (files.length > MAX_PHOTOS) return fieldFail('photos', 'beds:construction.errors.photoCount')
	const photos: Photo[] = []
	for (const file of files) {
		if (file.size > MAX_PHOTO_BYTES) return fieldFail('photos', 'beds:construction.errors.photoSize')
		const bytes = new Uint8Array(await file.arrayBuffer())
		const contentType = imageTypeOf(bytes)
		if (!contentType) return fieldFail('photos', 'beds:construction.errors.photoType')
		photos.push({ contentType, bytes })
	}
	return ok(photos)
}

/** A photo, for the institution inspected or an officer of its district (or the city); null otherwise. */
export async function acceptancePhoto(user: SessionUser, photoId: string) {
	if (!/^[0-9a-f-]{36}$/i.test(photoId)) return null
	const row = await sql`SELECT ph."contentType", ph.bytes, a."providerId", p."districtId" FROM bed_acceptance_photo ph JOIN bed_acceptance a ON a.id = ph."acceptanceId" JOIN provider p ON p.id = a."providerId" WHERE ph.id = ${photoId}::uuid`.first<{ contentType: string; bytes: Buffer; providerId: string; districtId: string }>()
	if (!row) return null
	const mayView = user.providerId === row.providerId || ((user.role === 'bureau_district' || isCityWide(user)) && canActInDistrict(user, row.districtId))
	return mayView ? row : null
}

/** The inspections of an institution, newest first, with their photos' ids. */
export async function acceptancesOf(providerId: string) {
	return sql`SELECT a.id, a."inspectedOn", u.name AS inspector, a.note,
			(SELECT count(*)::int FROM bed_acceptance_bed ab WHERE ab."acceptanceId" = a.id) AS beds,
			coalesce((SELECT array_agg(ph.id::text ORDER BY ph."createdAt") FROM bed_acceptance_photo ph WHERE ph."acceptanceId" = a.id), '{}') AS "photoIds"
		FROM bed_acceptance a LEFT JOIN app_user u ON u.id = a."inspectorId" WHERE a."providerId" = ${providerId}::uuid ORDER BY a."inspectedOn" DESC, a."createdAt" DESC LIMIT 50`.rows<{ id: string; inspectedOn: string; inspector: string | null; note: string | null; beds: number; photoIds: string[] }>()
}
