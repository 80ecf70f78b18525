// The demo's lived-in month (prisma/demo-month.ts), made on a copy of the demo seed as `npm start`
// makes it: it runs once, leaves no database rule broken, and each demo account signs in to work
// waiting for it on its home page.
import { beforeAll, describe, expect, it } from 'vitest'
import { shanghaiDate } from '~/lib/time.ts'
import { seedDemoMonth } from '../../prisma/demo-month.ts'
import { consistencyViolations, newViolations, type Violations } from '../setup/db-consistency.ts'

// The template was seeded today (Shanghai); the story runs on the same day as it does after the seed.
const today = shanghaiDate()

// The seed's own history predates some rules (the fuzz suite takes the same baseline).
let baseline: Violations

beforeAll(async () => {
	baseline = await consistencyViolations()
	expect(await seedDemoMonth({ today })).toBe(true)
}, 180_000)

describe('the demo month', () => {
	it('runs once and breaks no rule of the database', async () => {
		expect(await seedDemoMonth({ today })).toBe(false)
		expect(newViolations(baseline, await consistencyViolations())).toEqual([])
	})

	// ---- subsidies and due process (prisma/demo-month/subsidies.ts)

	// ---- marketplace (prisma/demo-month/marketplace.ts)
})
