import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { elderRecordCopy } from '~/modules/rights/copy.server.ts'

// A copy of an elder's record for the family member whose copy request was fulfilled (PIPL art. 45),
// as a JSON file. The password again first, as for one's own copy; audited on each download.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	const requestId = requireId(params, 'requestId')
	// Back to the page after the password (a redirect into a download would leave the browser on a blank page).
	await requireRecentAuth(request, user, '/account/requests')
	const copy = notFoundUnless(await elderRecordCopy(user, requestId, clientIp(request)))
	return new Response(JSON.stringify(copy, null, 2), {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Disposition': `attachment; filename="yiyang-elder-record-${shanghaiDate()}.json"`,
			'Cache-Control': 'no-store',
		},
	})
}
