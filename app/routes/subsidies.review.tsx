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
import { communityQueue, communityReview, townshipQueue, townshipReview } from '~/modules/subsidies/applications.server.ts'
import { communityReviewSchema, townshipReviewSchema } from '~/modules/subsidies/schemas.ts'

// The reviews before the bureau's approval (subsidies.approvals.tsx): the community's first review
// (with the household economic-status check), then the township's (乡镇/街道 民政办).
const ROLES = ['community_officer', 'township_officer'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const township = user.role === 'township_officer'
	return { stage: township ? ('township' as const) : ('community' as const), applications: township ? await townshipQueue(user) : await communityQueue(user), today: shanghaiDate() }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ROLES)
	const formData = await readProtectedForm(request)
	if (user.role === 'township_officer') {
		const parsed = parseForm(formData, townshipReviewSchema, { form: applicationFormId(formData) })
		if (!parsed.ok) return parsed.response
		const outcome = await townshipReview(user, parsed.value, clientIp(request))
		return replyOutcome(parsed, outcome.ok ? ok(parsed.value.decision) : outcome)
	}
	const parsed = parseForm(formData, communityReviewSchema, { form: applicationFormId(formData) })
	if (!parsed.ok) return parsed.response
	const outcome = await communityReview(user, parsed.value, clientIp(request))
	return replyOutcome(parsed, outcome.ok ? ok(parsed.value.decision) : outcome)
}

export default function Review() {
	const { stage, applications, today } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	return stage === 'township' ? (
		<ApplicationDecisions stage="township" applications={applications} reply={reply} />
	) : (
		<ApplicationDecisions stage="community" today={today} applications={applications} reply={reply} />
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
