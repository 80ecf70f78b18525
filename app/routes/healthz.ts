import { checkHealth } from '~/modules/health/health.server.ts'

export async function loader() {
	const health = await checkHealth()
	return Response.json({ status: health.ok ? 'ok' : 'degraded', ...health.checks }, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
}
