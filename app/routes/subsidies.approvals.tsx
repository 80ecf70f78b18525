import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ApplicationDecisions, applicationFormId } from '~/components/application-decisions.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { ok } from '~/lib/outcome.ts'
import { BUREAU_ROLES, isCityWide, requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { bureauDecide, bureauQueue } from '~/modules/subsidies/applications.server.ts'
import { bureauDecisionSchema } from '~/modules/subsidies/schemas.ts'

// The bureau's approval of subsidy applications the community has reviewed (subsidies.review.tsx).
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	return { applications: await bureauQueue(user), canOverride: isCityWide(user) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, BUREAU_ROLES)
	const formData = await readProtectedForm(request)
	const parsed = parseForm(formData, bureauDecisionSchema, { form: applicationFormId(formData) })
	if (!parsed.ok) return parsed.response
	const outcome = await bureauDecide(user, parsed.value, clientIp(request))
	return replyOutcome(parsed, outcome.ok ? ok(parsed.value.decision) : outcome)
}

export default function BureauApprovals() {
	const { applications, canOverride } = useLoaderData<typeof loader>()
	return <ApplicationDecisions stage="bureau" canOverride={canOverride} applications={applications} reply={useActionData<typeof action>()} />
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
