// For browser tests: a subsidised day-care booking at a community centre of the test's own, for
// today, made by the same builders the integration tests use (tests/factories/attendance.ts), in a
// child process pointed at this run's database (scripts/e2e-server.ts names it in .cache).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export type CentreBooking = { staffPhone: string; familyPhone: string; bookingId: string; elderName: string; status: string; subsidyFen: number; day: string }

export function subsidisedDayCareToday(): CentreBooking {
	const config = JSON.parse(readFileSync(`.cache/e2e-due-process-${process.env.E2E_PORT}`, 'utf8')) as { databaseUrl: string; queuePrefix: string; redisUrl: string }
	const out = execFileSync(process.execPath, ['--import', 'tsx', 'tests/e2e/support/make-centre-booking.ts'], {
		env: { ...process.env, DATABASE_URL: config.databaseUrl, QUEUE_PREFIX: config.queuePrefix, REDIS_URL: config.redisUrl, NODE_ENV: 'production', ALLOW_DEV_SECRETS: 'true' },
		encoding: 'utf8',
	})
	return JSON.parse(out) as CentreBooking
}
