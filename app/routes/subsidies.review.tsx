import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ApplicationDecisions, applicationFormId } from '~/components/application-decisions.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { communityQueue, communityReview } from '~/modules/subsidies/applications.server.ts'
import { communityReviewSchema } from '~/modules/subsidies/schemas.ts'

// The community's first review of subsidy applications (the bureau's approval: subsidies.approvals.tsx).
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['community_officer'])
	return { applications: await communityQueue(user), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['community_officer'])
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, communityReviewSchema, { form: applicationFormId(formData) })
	if (!parsed.ok) return parsed.response
	const outcome = await communityReview(user, parsed.value, clientIp(request))
	return replyOutcome(parsed, outcome.ok ? ok(parsed.value.decision) : outcome)
}

export default function CommunityReview() {
	const { applications, today } = useLoaderData<typeof loader>()
	return <ApplicationDecisions stage="community" today={today} applications={applications} reply={useActionData<typeof action>()} />
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
