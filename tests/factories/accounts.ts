// Accounts for tests: new users of any role (a real password hash, so they can also sign in over
// HTTP) and the session shape modules take. Written straight to the database.
import { hash } from '@node-rs/argon2'
import { prisma } from '~/lib/db.server.ts'
import type { Role } from '~/generated/prisma/enums.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export const TEST_PASSWORD = 'Market2026x'
let passwordHash: Promise<string> | undefined
/** argon2id is slow on purpose: hash the test password once per file. */
export const testPasswordHash = () => (passwordHash ??= hash(TEST_PASSWORD))

let phoneSeq = 0
/** A mobile number no other file of this run uses (pid and a counter; never a demo 1380000xxxx). */
export function uniquePhone() {
	phoneSeq++
	return `15${String(process.pid % 1000).padStart(3, '0')}${String((Date.now() % 100000) + phoneSeq).padStart(6, '0').slice(-6)}`
}

/** The signed-in user as modules see it, by phone (e.g. a demo account). */
export async function sessionUser(phone: string): Promise<SessionUser> {
	return prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true, name: true, phone: true, role: true, districtId: true, communityId: true, providerId: true } })
}

/** A new active user; sign in with `signIn(user.phone)` (tests/setup/route.ts) or TEST_PASSWORD over HTTP. */
export async function makeUser(opts: { role: Role; name?: string; districtId?: string | null; communityId?: string | null; providerId?: string | null }): Promise<SessionUser> {
	const phone = uniquePhone()
	await prisma.user.create({
		data: { phone, name: opts.name ?? '测试用户', passwordHash: await testPasswordHash(), role: opts.role, districtId: opts.districtId ?? null, communityId: opts.communityId ?? null, providerId: opts.providerId ?? null },
	})
	return sessionUser(phone)
}
