import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp, notFoundUnless, requireUuid } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { reviewableAppeal } from '~/modules/due-process/appeals.server.ts'
import { attachmentFor } from '~/modules/due-process/attachments.server.ts'
import { OFFICER_ROLES } from '~/modules/due-process/scope.server.ts'

// An appeal's attachment, for the officers who may review the appeal only (404 for anyone else,
// including the decider); every download is audited. Sent as a download, never rendered inline.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, OFFICER_ROLES)
	const id = requireUuid(params.attachmentId)
	const file = notFoundUnless(await attachmentFor(user, id, (appealId) => reviewableAppeal(user, appealId), clientIp(request)))
	return new Response(file.bytes, {
		headers: {
			'Content-Type': file.mime,
			'Content-Disposition': `attachment; filename="attachment"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': 'private, no-store',
		},
	})
}
