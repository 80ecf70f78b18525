// The demo's lived-in month: what a month of everyday work leaves behind, so that each demo account
// (README, "Demo accounts") signs in to a product in use: bookings in every state, visits verified
// and reviewed, subsidy applications at each level of review, a public notice running, an appeal
// waiting, complaints, a dispute and findings to answer. Made by the demo accounts through the
// product's own module functions (the same code the pages call), so every database rule and audit row
// holds; only what no screen can make in the seed's time (a visit last week) is dated back in SQL.
//
// Run by `npm start` and `npm run setup` right after a fresh demo seed (`prisma/seed.ts --demo-month`),
// never for the tests' template database: tests make their own state. Runs once: a second call finds
// its marker and does nothing.
import { prisma } from '~/lib/db.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { seedDemoMarketplace } from './demo-month/marketplace.ts'
import { seedDemoSubsidies } from './demo-month/subsidies.ts'

export type DemoMonth = {
	/** The Shanghai date the seed ran on (the registry's ages, the allowance's month). */
	today: string
	/** A demo account (README's table) by phone, as the session would carry it. */
	as: (phone: string) => Promise<SessionUser>
	log: (line: string) => void
}

async function demoAccount(phone: string): Promise<SessionUser> {
	const user = await prisma.user.findUniqueOrThrow({
		where: { phone },
		select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true, provider: { select: { kind: true } } },
	})
	const { provider, ...rest } = user
	return { ...rest, providerKind: provider?.kind ?? null }
}

/** Seeds the month once; true when it did, false when the database already holds it. */
export async function seedDemoMonth(opts: { today: string; log?: (line: string) => void }): Promise<boolean> {
	const log = opts.log ?? (() => {})
	// The marker: the audit row written when the whole story is done.
	const done = await prisma.auditLog.count({ where: { action: 'seed.demo_month' } })
	if (done) return false
	const month: DemoMonth = { today: opts.today, as: demoAccount, log }
	await seedDemoSubsidies(month)
	await seedDemoMarketplace(month)
	const admin = await demoAccount('13800000051')
	await prisma.auditLog.create({ data: { actorId: admin.id, actorRole: admin.role, action: 'seed.demo_month', entityType: 'user', entityId: admin.id, details: { today: opts.today } } })
	return true
}
