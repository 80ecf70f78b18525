import type { LoaderFunctionArgs } from '@remix-run/node'
import { getSessionUser } from '~/modules/auth/session.server.ts'
import { checkHealth } from '~/modules/health/health.server.ts'

// The public (a load balancer, a monitor) learns the status only; which service is down and its
// error text are for administrators.
export async function loader({ request }: LoaderFunctionArgs) {
	const [health, user] = await Promise.all([checkHealth(), getSessionUser(request)])
	const status = health.ok ? 'ok' : 'degraded'
	const body = user?.role === 'admin' ? { status, ...health.checks } : { status }
	return Response.json(body, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
}
