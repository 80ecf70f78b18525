import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { acceptancePhoto } from '~/modules/institutions/photos.server.ts'

// A photo of an acceptance inspection: for the institution and the officers in scope; 404 to anyone else.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const photo = notFoundUnless(await acceptancePhoto(user, requireId(params, 'photoId')))
	return new Response(new Uint8Array(photo.bytes), {
		headers: { 'Content-Type': photo.contentType, 'Content-Disposition': 'inline', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' },
	})
}
