// Playwright's global set-up: what every worker's server shares. One stripe-mock (unless `npm test`
// already named one in STRIPE_API_BASE) and the template database each worker's server copies: the
// run's own when `npm test` prepared it, else one migrated and demo-seeded here, once. The workers
// inherit both through process.env; the returned function is the global tear-down.
import { dropDatabase, prepareTemplate, TEMPLATE_READY_ENV } from '../../../scripts/lib/database.ts'
import { choosePrivateStripeMock } from '../../../scripts/lib/ports.ts'
import { ensureServices } from '../../../scripts/services.ts'

export default async function globalSetup() {
	const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'
	await choosePrivateStripeMock()
	const { stripeMock } = await ensureServices({ quiet: true })
	let ownTemplate: string | undefined
	if (process.env[TEMPLATE_READY_ENV] !== '1') {
		// Named like the servers' copies (yiyang_e2e_<time>_<pid>), so a killed run's is dropped as stale.
		ownTemplate = `yiyang_e2e_${Date.now()}_${process.pid}`
		await prepareTemplate(base, ownTemplate, { quiet: true })
		process.env.TEST_DATABASE_NAME = ownTemplate
		process.env[TEMPLATE_READY_ENV] = '1'
	}
	return async () => {
		stripeMock?.kill()
		if (ownTemplate) await dropDatabase(base, ownTemplate).catch(() => {})
	}
}
