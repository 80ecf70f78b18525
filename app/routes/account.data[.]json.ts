import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientIp } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { myDataCopy } from '~/modules/accounts/privacy.server.ts'
import { requireUser } from '~/modules/auth/access.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'

// A copy of the holder's own personal information (PIPL art. 45), as a JSON file. The password again
// first: a stolen session must not carry off everything at once. Audited (account.data_copy).
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	// Back to the page after the password (a redirect into a download would leave the browser on a blank page).
	await requireRecentAuth(request, user, '/account/data')
	const copy = await myDataCopy(user, clientIp(request))
	return new Response(JSON.stringify(copy, null, 2), {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Disposition': `attachment; filename="yiyang-my-data-${shanghaiDate()}.json"`,
			'Cache-Control': 'no-store',
		},
	})
}
