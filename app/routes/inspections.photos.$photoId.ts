import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { inspectionPhoto } from '~/modules/institutions/inspections.server.ts'

// A photo of an inspection or a rectification: for the institution and the officers in scope; 404 to anyone else.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const photo = notFoundUnless(await inspectionPhoto(user, requireId(params, 'photoId')))
	return new Response(new Uint8Array(photo.bytes), {
		headers: { 'Content-Type': photo.contentType, 'Content-Disposition': 'inline', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' },
	})
}
