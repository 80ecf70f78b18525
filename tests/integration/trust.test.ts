// Issue 12, items 2 and 3: two-person control that holds (invitations, creator-related approvers,
// scheduler runs, settings and policy changes) and officer sign-in (TOTP, recovery codes, step-up
// by code, idle timeout, the sessions page). Each control is tried each way around.
import { generateTOTP } from '@epic-web/totp'
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { approveRun } from '~/modules/allowance/runs.server.ts'
import { openTotpSecret, sealTotpSecret } from '~/modules/auth/totp-secret.server.ts'
import { twoPersonRefusal } from '~/modules/auth/two-person.server.ts'
import { bureauDecide } from '~/modules/subsidies/applications.server.ts'
import * as sessionsPage from '~/routes/account.sessions.tsx'
import * as auditPage from '~/routes/bureau.audit.tsx'
import * as settingsPage from '~/routes/bureau.allowance.settings.tsx'
import * as runPage from '~/routes/bureau.allowance.runs.$runId.tsx'
import * as staffPage from '~/routes/bureau.staff.tsx'
import * as providerStaffPage from '~/routes/provider.staff.tsx'
import * as invitePage from '~/routes/invite.$token.tsx'
import * as loginPage from '~/routes/login.tsx'
import * as twoFactorPage from '~/routes/login_.two-factor.tsx'
import * as policiesPage from '~/routes/subsidies.policies.tsx'
import * as reauthPage from '~/routes/reauth.tsx'
import * as eldersPage from '~/routes/elders._index.tsx'
import { makeUser, TEST_PASSWORD, testPasswordHash, uniquePhone } from '../factories/accounts.ts'
import { makePlace } from '../factories/registry.ts'
import { anonymous, callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

const TOTP = { algorithm: 'SHA-1', digits: 6, period: 30 } as const
const codeOf = async (secret: string) => (await generateTOTP({ ...TOTP, secret })).otp

/** A visitor carrying the session cookie a login (or other) response set. */
function withCookie(visitor: Visitor, res: { headers: Headers }): Visitor {
	const set = res.headers.get('set-cookie')
	if (!set) return visitor
	const pair = set.split(';')[0]!
	const name = pair.slice(0, pair.indexOf('='))
	const others = visitor.cookie.split('; ').filter((c) => c && !c.startsWith(`${name}=`))
	return { ...visitor, cookie: [pair, ...others].join('; ') }
}

async function officerWithSecret(role: 'bureau_city' | 'bureau_district' | 'admin' = 'bureau_city', createdById: string | null = null) {
	const user = await makeUser({ role, districtId: role === 'bureau_district' ? 'dongbao' : null })
	const { secret } = await generateTOTP()
	await prisma.user.update({ where: { id: user.id }, data: { totpSecret: sealTotpSecret(secret), totpEnabledAt: new Date(), createdById } })
	return { user, secret }
}

async function passwordStep(phone: string, redirectTo = '/bureau/audit') {
	const visitor = await anonymous()
	const res = await callAction(loginPage, '/login', { phone, password: TEST_PASSWORD, redirectTo }, { as: visitor })
	return { res, visitor: withCookie(visitor, res) }
}

describe('officer sign-in: a second factor', () => {
	it('does not sign an officer in on the password alone; a right TOTP code does, once; a family signs in with the password', async () => {
		const { user, secret } = await officerWithSecret()
		const { res, visitor } = await passwordStep(user.phone)
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/login/two-factor?redirectTo=${encodeURIComponent('/bureau/audit')}`)
		// The half-done sign-in is no session: bureau pages still send it to sign-in.
		const before = await callLoader(auditPage, '/bureau/audit', { as: visitor })
		expect(before.status).toBe(302)
		expect(before.location).toMatch(/^\/login/)

		const path = res.location!
		expect((await callLoader(twoFactorPage, path, { as: visitor })).status).toBe(200)
		const wrong = await callAction(twoFactorPage, path, { code: '000000' === (await codeOf(secret)) ? '111111' : '000000' }, { as: visitor })
		expect(wrong.status).toBe(401)
		expect(JSON.stringify(wrong.data)).toContain('errors.totp.invalid')
		const malformed = await callAction(twoFactorPage, path, { code: 'x'.repeat(40) }, { as: visitor })
		expect(malformed.status).toBe(400)
		const code = await codeOf(secret)
		const right = await callAction(twoFactorPage, path, { code }, { as: visitor })
		expect(right.status).toBe(302)
		expect(right.location).toBe('/bureau/audit')
		expect((await callLoader(auditPage, '/bureau/audit', { as: visitor })).status).toBe(200)
		expect(await prisma.auditLog.count({ where: { action: 'auth.second_factor', actorId: user.id } })).toBe(1)

		// The same code is never accepted twice (RFC 6238 §5.2).
		const again = await passwordStep(user.phone)
		const replay = await callAction(twoFactorPage, again.res.location!, { code }, { as: again.visitor })
		expect(replay.status).toBe(401)

		const family = await makeUser({ role: 'family' })
		const fam = await passwordStep(family.phone, '/elders')
		expect(fam.res.location).toBe('/elders')
		expect((await callLoader(eldersPage, '/elders', { as: fam.visitor })).status).toBe(200)
	})

	it('enrols an officer without a second factor at the first sign-in and shows recovery codes once; each recovery code works once', async () => {
		const user = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const { res, visitor } = await passwordStep(user.phone)
		const path = res.location!
		const page = await callLoader<{ enrolled: boolean; enrolment: { secret: string; qr: string; uri: string } }>(twoFactorPage, path, { as: visitor })
		expect(page.data.enrolled).toBe(false)
		expect(page.data.enrolment.qr).toMatch(/^data:image\/svg\+xml;base64,/)
		expect(page.data.enrolment.uri).toContain(`secret=${page.data.enrolment.secret}`)
		// The same secret on a reload, until a first code proves the app holds it.
		const reload = await callLoader<{ enrolment: { secret: string } }>(twoFactorPage, path, { as: visitor })
		expect(reload.data.enrolment.secret).toBe(page.data.enrolment.secret)
		expect((await callAction(twoFactorPage, path, { code: '12345' }, { as: visitor })).status).toBe(400)

		const done = await callAction<{ ok: boolean; value: { recoveryCodes: string[] } }>(twoFactorPage, path, { code: await codeOf(page.data.enrolment.secret) }, { as: visitor })
		// The loaders run again after the action: they must leave the codes on screen, not redirect away.
		const after = await callLoader<{ signedIn: boolean }>(twoFactorPage, path, { as: visitor })
		expect(after.status).toBe(200)
		expect(after.data.signedIn).toBe(true)
		expect(twoFactorPage.shouldRevalidate({ actionResult: done.data, defaultShouldRevalidate: true } as never)).toBe(false)
		expect(done.status).toBe(200)
		const codes = done.data.value.recoveryCodes
		expect(codes).toHaveLength(10)
		expect((await callLoader(auditPage, '/bureau/audit', { as: visitor })).status).toBe(200)
		const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpSecret: true, totpPendingSecret: true, recoveryCodes: { select: { codeHash: true } } } })
		// Stored sealed, not as shown.
		expect(stored.totpSecret).not.toContain(page.data.enrolment.secret)
		expect(openTotpSecret(stored.totpSecret!)).toBe(page.data.enrolment.secret)
		expect(stored.totpPendingSecret).toBeNull()
		// Stored hashed, never as given.
		expect(stored.recoveryCodes.map((c) => c.codeHash)).not.toContain(codes[0])

		const next = await passwordStep(user.phone)
		const byRecovery = await callAction(twoFactorPage, next.res.location!, { code: codes[0]! }, { as: next.visitor })
		expect(byRecovery.status).toBe(302)
		expect(await prisma.auditLog.count({ where: { action: 'auth.recovery_code_used', actorId: user.id } })).toBe(1)
		const third = await passwordStep(user.phone)
		expect((await callAction(twoFactorPage, third.res.location!, { code: codes[0]! }, { as: third.visitor })).status).toBe(401)
	})

	it('lets /reauth take a TOTP code instead of the password, but not a wrong or reused one', async () => {
		const { user, secret } = await officerWithSecret()
		const officer = await signIn(user.phone)
		const page = await callLoader<{ hasCode: boolean }>(reauthPage, '/reauth', { as: officer })
		expect(page.data.hasCode).toBe(true)
		const code = await codeOf(secret)
		const ok = await callAction(reauthPage, '/reauth', { code, redirectTo: '/bureau/audit' }, { as: officer })
		expect(ok.status).toBe(302)
		expect(ok.location).toBe('/bureau/audit')
		expect((await callAction(reauthPage, '/reauth', { code, redirectTo: '/' }, { as: officer })).status).toBe(401)
		expect((await callAction(reauthPage, '/reauth', { redirectTo: '/' }, { as: officer })).status).toBe(400)
		expect(await prisma.auditLog.count({ where: { action: 'auth.reauth', actorId: user.id } })).toBe(1)
		// A family has no code to give.
		const family = await signIn((await makeUser({ role: 'family' })).phone)
		expect((await callAction(reauthPage, '/reauth', { code: '123456', redirectTo: '/' }, { as: family })).status).toBe(401)
	})
})

describe('sessions: idle timeout and the sessions page', () => {
	const sidOf = async (userId: string) => (await prisma.session.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: 'desc' }, select: { id: true } })).id

	it('ends an officer session after 30 idle minutes but keeps a family one; records last-seen at most once a minute', async () => {
		const officerUser = await makeUser({ role: 'bureau_city' })
		const officer = await signIn(officerUser.phone)
		const sid = await sidOf(officerUser.id)
		const seen = new Date(Date.now() - 30_000)
		await prisma.session.update({ where: { id: sid }, data: { lastSeenAt: seen } })
		expect((await callLoader(auditPage, '/bureau/audit', { as: officer })).status).toBe(200)
		// Seen 30 s ago: not written again.
		expect((await prisma.session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt.getTime()).toBe(seen.getTime())
		await prisma.session.update({ where: { id: sid }, data: { lastSeenAt: new Date(Date.now() - 5 * 60_000) } })
		expect((await callLoader(auditPage, '/bureau/audit', { as: officer })).status).toBe(200)
		expect(Date.now() - (await prisma.session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt.getTime()).toBeLessThan(10_000)

		await prisma.session.update({ where: { id: sid }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } })
		const idle = await callLoader(auditPage, '/bureau/audit', { as: officer })
		expect(idle.status).toBe(302)
		expect(idle.location).toMatch(/^\/login/)

		const familyUser = await makeUser({ role: 'family' })
		const family = await signIn(familyUser.phone)
		await prisma.session.update({ where: { id: await sidOf(familyUser.id) }, data: { lastSeenAt: new Date(Date.now() - 3 * 24 * 60 * 60_000) } })
		expect((await callLoader(eldersPage, '/elders', { as: family })).status).toBe(200)
	})

	it('lists the account’s own sessions and ends one, the others, never another account’s', async () => {
		const user = await makeUser({ role: 'family' })
		const here = await signIn(user.phone)
		const phoneSession = await signIn(user.phone)
		const laptop = await signIn(user.phone)
		const list = await callLoader<{ sessions: { id: string; current: boolean }[] }>(sessionsPage, '/account/sessions', { as: here })
		expect(list.data.sessions).toHaveLength(3)
		expect(list.data.sessions.filter((s) => s.current)).toHaveLength(1)
		const other = list.data.sessions.find((s) => !s.current)!

		const stranger = await signIn((await makeUser({ role: 'family' })).phone)
		const foreign = await callAction(sessionsPage, '/account/sessions', { sessionId: other.id }, { as: stranger })
		expect(foreign.status).toBe(404)
		expect((await callAction(sessionsPage, '/account/sessions', { sessionId: 'not-a-uuid' }, { as: here })).status).toBe(400)

		expect((await callAction(sessionsPage, '/account/sessions', { sessionId: other.id }, { as: here })).status).toBe(200)
		expect(await prisma.session.count({ where: { userId: user.id } })).toBe(2)
		expect((await callAction(sessionsPage, '/account/sessions', { all: 'others' }, { as: here })).status).toBe(200)
		expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1)
		for (const gone of [phoneSession, laptop]) expect((await callLoader(sessionsPage, '/account/sessions', { as: gone })).status).toBe(302)
		expect((await callLoader(sessionsPage, '/account/sessions', { as: here })).status).toBe(200)
		expect(await prisma.auditLog.count({ where: { action: { in: ['auth.session_end', 'auth.sessions_end_others'] }, actorId: user.id } })).toBe(2)
	})
})

describe('staff accounts are invitations; only administrators create bureau-level accounts', () => {
	it('refuses bureau-level roles to city and district officers; an administrator may', async () => {
		const city = await signIn((await makeUser({ role: 'bureau_city' })).phone)
		const phone = uniquePhone()
		for (const role of ['bureau_city', 'bureau_district', 'admin']) {
			const res = await callAction(staffPage, '/bureau/staff', { name: '钱进', phone, role, districtId: 'dongbao' }, { as: city })
			expect(res.status).toBe(403)
		}
		expect(await prisma.user.count({ where: { phone } })).toBe(0)
		const admin = await signIn((await makeUser({ role: 'admin' })).phone)
		const res = await callAction<{ ok: boolean; value: { inviteUrl: string } }>(staffPage, '/bureau/staff', { name: '钱进', phone, role: 'bureau_city' }, { as: admin })
		expect(res.status).toBe(200)
		expect(res.data.value.inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/)
	})

	it('district officers invite township officers (乡镇/街道民政办) of a township of their district, and community officers by choosing the community', async () => {
		const district = await signIn((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).phone)
		const { township, community } = await makePlace('dongbao')
		const elsewhere = await makePlace('zhongxiang')
		const create = (fields: Record<string, string>) => callAction<{ ok: boolean; value: { id: string }; result?: { error?: Record<string, string[]> } }>(staffPage, '/bureau/staff', { name: '乡镇干部', phone: uniquePhone(), districtId: 'dongbao', ...fields }, { as: district })

		const form = await callLoader<{ roles: string[]; places: { id: string; townships: { id: string }[] }[] }>(staffPage, '/bureau/staff', { as: district })
		expect(form.data.roles).toContain('township_officer')
		expect(form.data.places.map((d) => d.id)).toEqual(['dongbao'])
		expect(form.data.places[0]!.townships.map((t) => t.id)).toContain(township.id)

		// A city officer picks the district first and sees only its places and providers (a city has ~1,900 communities).
		const city = await signIn((await makeUser({ role: 'bureau_city' })).phone)
		type Form = { district: string | null; districts: { id: string }[]; places: { id: string }[]; providers: { id: string }[] }
		const unchosen = await callLoader<Form>(staffPage, '/bureau/staff', { as: city })
		expect(unchosen.data).toMatchObject({ district: null, places: [], providers: [] })
		expect(unchosen.data.districts.length).toBeGreaterThan(1)
		const chosen = await callLoader<Form>(staffPage, '/bureau/staff?district=zhongxiang', { as: city })
		expect(chosen.data.district).toBe('zhongxiang')
		expect(chosen.data.places.map((d) => d.id)).toEqual(['zhongxiang'])
		const zhongxiangProviders = await prisma.provider.findMany({ where: { districtId: 'zhongxiang' }, select: { id: true } })
		expect(chosen.data.providers.map((p) => p.id).sort()).toEqual(zhongxiangProviders.map((p) => p.id).sort())
		expect((await callLoader<Form>(staffPage, '/bureau/staff?district=nowhere', { as: city })).data.district).toBeNull()
		// A district officer's choice is its own district, whatever the query says.
		expect((await callLoader<Form>(staffPage, '/bureau/staff?district=zhongxiang', { as: district })).data).toMatchObject({ district: 'dongbao', districts: [{ id: 'dongbao' }] })

		const missing = await create({ role: 'township_officer' })
		expect(missing.status).toBe(400)
		expect(missing.data.result?.error?.townshipId).toEqual(['errors.township.required'])
		// Another district's township is not in this district.
		const foreign = await create({ role: 'township_officer', townshipId: elsewhere.township.id })
		expect(foreign.status).toBe(400)
		expect(foreign.data.result?.error?.townshipId).toEqual(['errors.township.unknown'])
		expect((await create({ role: 'township_officer', townshipId: 'x' })).status).toBe(400)

		const made = await create({ role: 'township_officer', townshipId: township.id })
		expect(made.status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: made.data.value.id }, select: { role: true, districtId: true, townshipId: true, communityId: true } })).toEqual({ role: 'township_officer', districtId: 'dongbao', townshipId: township.id, communityId: null })
		const communityOfficer = await create({ role: 'community_officer', communityId: community.id })
		expect(communityOfficer.status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: communityOfficer.data.value.id }, select: { communityId: true, townshipId: true } })).toEqual({ communityId: community.id, townshipId: null })
	})

	it('asks for the password again before creating an account when the last check is old', async () => {
		const adminUser = await makeUser({ role: 'admin' })
		const admin = await signIn(adminUser.phone)
		await prisma.session.updateMany({ where: { userId: adminUser.id }, data: { authenticatedAt: new Date(Date.now() - 6 * 60_000) } })
		const phone = uniquePhone()
		const res = await callAction(staffPage, '/bureau/staff', { name: '钱进', phone, role: 'bureau_city' }, { as: admin })
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/reauth?redirectTo=${encodeURIComponent('/bureau/staff')}`)
		expect(await prisma.user.count({ where: { phone } })).toBe(0)
	})

	it('creates the account without a usable password; the person sets their own through a one-time, expiring link', async () => {
		const creatorUser = await makeUser({ role: 'admin' })
		const creator = await signIn(creatorUser.phone)
		const phone = uniquePhone()
		const res = await callAction<{ value: { inviteUrl: string; id: string } }>(staffPage, '/bureau/staff', { name: '钱进', phone, role: 'bureau_city', password: 'CreatorKnows1' }, { as: creator })
		expect(res.status).toBe(200)
		const invited = await prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true, createdById: true, passwordHash: true } })
		expect(invited.createdById).toBe(creatorUser.id)
		expect(invited.passwordHash).not.toMatch(/^\$argon2/)
		// Nobody can sign in to it yet, whatever password they try.
		for (const password of ['CreatorKnows1', TEST_PASSWORD]) {
			const visitor = await anonymous()
			expect((await callAction(loginPage, '/login', { phone, password }, { as: visitor })).status).toBe(401)
		}
		const path = new URL(res.data.value.inviteUrl).pathname
		const token = path.split('/').pop()!
		// Only the hash is stored.
		expect(await prisma.userInvitation.count({ where: { tokenHash: token } })).toBe(0)
		const visitor = await anonymous()
		expect((await callLoader(invitePage, path, { as: visitor, params: { token } })).status).toBe(200)
		const mismatch = await callAction(invitePage, path, { password: 'MyOwnPass9', confirmPassword: 'Other9999' }, { as: visitor, params: { token } })
		expect(mismatch.status).toBe(400)
		const done = await callAction(invitePage, path, { password: 'MyOwnPass9', confirmPassword: 'MyOwnPass9' }, { as: visitor, params: { token } })
		expect(done.status).toBe(302)
		expect(done.location).toBe('/login?invited=1')
		// Used up: the link no longer opens or sets a password.
		expect((await callLoader(invitePage, path, { as: visitor, params: { token } })).status).toBe(404)
		expect((await callAction(invitePage, path, { password: 'Attacker99', confirmPassword: 'Attacker99' }, { as: visitor, params: { token } })).status).toBe(410)
		const signedIn = await callAction(loginPage, '/login', { phone, password: 'MyOwnPass9' }, { as: await anonymous() })
		expect(signedIn.status).toBe(302)
		expect(signedIn.location).toMatch(/^\/login\/two-factor/)
		expect(await prisma.auditLog.count({ where: { action: 'account.invitation_accept', entityId: invited.id } })).toBe(1)

		// An expired link does nothing.
		const res2 = await callAction<{ value: { inviteUrl: string } }>(staffPage, '/bureau/staff', { name: '孙强', phone: uniquePhone(), role: 'bureau_city' }, { as: creator })
		const token2 = res2.data.value.inviteUrl.split('/').pop()!
		await prisma.userInvitation.updateMany({ where: { usedAt: null, createdById: creatorUser.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
		expect((await callLoader(invitePage, `/invite/${token2}`, { params: { token: token2 } })).status).toBe(404)
		expect((await callAction(invitePage, `/invite/${token2}`, { password: 'MyOwnPass9', confirmPassword: 'MyOwnPass9' }, { as: visitor, params: { token: token2 } })).status).toBe(410)
		expect((await callLoader(invitePage, '/invite/garbage', { params: { token: 'garbage' } })).status).toBe(404)
	})
})

describe('resetting a staff member’s sign-in: a new invitation for the same account', () => {
	type Reinvited = { ok: boolean; value: { inviteUrl: string }; result?: { error?: Record<string, string[]> } }

	it('ends the password, the second factor, the recovery codes and every session; the person comes back through the new link and enrols again', async () => {
		const adminUser = await makeUser({ role: 'admin' })
		const admin = await signIn(adminUser.phone)
		const { user: officer } = await officerWithSecret('bureau_city')
		await prisma.recoveryCode.create({ data: { userId: officer.id, codeHash: 'x'.repeat(64) } })
		const officerSession = await signIn(officer.phone)
		expect((await callLoader(auditPage, '/bureau/audit', { as: officerSession })).status).toBe(200)

		const res = await callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `reinvite-${officer.id}`, intent: 'reinvite', userId: officer.id, reason: '手机丢失' }, { as: admin })
		expect(res.status).toBe(200)
		const path = new URL(res.data.value.inviteUrl).pathname
		const token = path.split('/').pop()!
		const after = await prisma.user.findUniqueOrThrow({ where: { id: officer.id }, select: { passwordHash: true, totpSecret: true, totpEnabledAt: true, recoveryCodes: true, sessions: true } })
		expect(after).toMatchObject({ totpSecret: null, totpEnabledAt: null, recoveryCodes: [], sessions: [] })
		expect(after.passwordHash).not.toMatch(/^\$argon2/)
		// The session the officer had is gone, and the old password opens nothing.
		expect((await callLoader(auditPage, '/bureau/audit', { as: officerSession })).status).toBe(302)
		expect((await callAction(loginPage, '/login', { phone: officer.phone, password: TEST_PASSWORD }, { as: await anonymous() })).status).toBe(401)
		expect(await prisma.auditLog.findFirst({ where: { action: 'account.reinvite_staff', entityId: officer.id }, select: { actorId: true, details: true } })).toMatchObject({ actorId: adminUser.id, details: { reason: '手机丢失', sessionsEnded: 1 } })

		const visitor = await anonymous()
		expect((await callAction(invitePage, path, { password: 'NewPass2026', confirmPassword: 'NewPass2026' }, { as: visitor, params: { token } })).status).toBe(302)
		const back = await passwordStep(officer.phone)
		expect(back.res.status).toBe(401)
		const signedIn = await callAction(loginPage, '/login', { phone: officer.phone, password: 'NewPass2026' }, { as: await anonymous() })
		expect(signedIn.location).toMatch(/^\/login\/two-factor/)
		const enrol = await callLoader<{ enrolled: boolean }>(twoFactorPage, signedIn.location!, { as: withCookie(await anonymous(), signedIn) })
		expect(enrol.data.enrolled).toBe(false)
		// A second reset kills the link of the first if it was never used.
		const first = await callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `reinvite-${officer.id}`, intent: 'reinvite', userId: officer.id, reason: '再次重置' }, { as: admin })
		const second = await callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `reinvite-${officer.id}`, intent: 'reinvite', userId: officer.id, reason: '再次重置' }, { as: admin })
		const firstToken = first.data.value.inviteUrl.split('/').pop()!
		const secondToken = second.data.value.inviteUrl.split('/').pop()!
		expect((await callLoader(invitePage, `/invite/${firstToken}`, { params: { token: firstToken } })).status).toBe(404)
		expect((await callLoader(invitePage, `/invite/${secondToken}`, { params: { token: secondToken } })).status).toBe(200)
	})

	it('refuses one’s own account, a role one may not create, another district’s staff, and a missing reason; changes nothing', async () => {
		const districtUser = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const district = await signIn(districtUser.phone)
		const city = await makeUser({ role: 'bureau_city' })
		const peer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const elsewhere = await makeUser({ role: 'community_officer', districtId: 'zhongxiang' })
		const mine = await makeUser({ role: 'community_officer', districtId: 'dongbao' })
		const family = await makeUser({ role: 'family' })
		const post = (userId: string, reason = '忘记密码') => callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `reinvite-${userId}`, intent: 'reinvite', userId, reason }, { as: district })
		const self = await post(districtUser.id)
		expect(self.status).toBe(403)
		expect(self.data.result?.error?.userId).toEqual(['errors.staff.self'])
		const higher = await post(peer.id)
		expect(higher.status).toBe(403)
		expect(higher.data.result?.error?.userId).toEqual(['errors.role.notAllowed'])
		// Outside the resetter's scope it is not found: which accounts exist there is not theirs to learn.
		expect((await post(city.id)).status).toBe(404)
		expect((await post(elsewhere.id)).status).toBe(404)
		expect((await post(family.id)).status).toBe(404)
		expect((await post('not-a-uuid')).status).toBe(400)
		const noReason = await post(mine.id, ' ')
		expect(noReason.status).toBe(400)
		expect(noReason.data.result?.error?.reason).toBeDefined()
		expect(await prisma.userInvitation.count({ where: { userId: { in: [districtUser.id, city.id, peer.id, elsewhere.id, mine.id, family.id] } } })).toBe(0)
		expect((await post(mine.id)).status).toBe(200)
		expect(await prisma.userInvitation.count({ where: { userId: mine.id } })).toBe(1)
	})

	it('closes enrolment a week after the invitation expired: the account needs a new invitation, which opens it again', async () => {
		const adminUser = await makeUser({ role: 'admin' })
		const admin = await signIn(adminUser.phone)
		const phone = uniquePhone()
		const made = await callAction<Reinvited>(staffPage, '/bureau/staff', { name: '周敏', phone, role: 'bureau_city' }, { as: admin })
		const token = made.data.value.inviteUrl.split('/').pop()!
		expect((await callAction(invitePage, `/invite/${token}`, { password: 'ZhouMin2026', confirmPassword: 'ZhouMin2026' }, { as: await anonymous(), params: { token } })).status).toBe(302)
		const user = await prisma.user.findUniqueOrThrow({ where: { phone }, select: { id: true } })
		// The link expired eight days ago, and the password was never followed by an authenticator.
		await prisma.userInvitation.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 8 * 24 * 3600_000) } })
		const signIn1 = await callAction(loginPage, '/login', { phone, password: 'ZhouMin2026' }, { as: await anonymous() })
		const visitor = withCookie(await anonymous(), signIn1)
		const page = await callLoader<{ closed: boolean; enrolment: unknown }>(twoFactorPage, signIn1.location!, { as: visitor })
		expect(page.data).toMatchObject({ closed: true, enrolment: null })
		const tried = await callAction<Reinvited>(twoFactorPage, signIn1.location!, { code: '123456' }, { as: visitor })
		expect(tried.status).toBe(403)
		expect(JSON.stringify(tried.data)).toContain('errors.totp.enrolmentClosed')
		expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpSecret: true, totpPendingSecret: true } })).toEqual({ totpSecret: null, totpPendingSecret: null })
		// A new invitation opens it again.
		const again = await callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `reinvite-${user.id}`, intent: 'reinvite', userId: user.id, reason: '逾期未绑定' }, { as: admin })
		const token2 = again.data.value.inviteUrl.split('/').pop()!
		expect((await callAction(invitePage, `/invite/${token2}`, { password: 'ZhouMin2027', confirmPassword: 'ZhouMin2027' }, { as: await anonymous(), params: { token: token2 } })).status).toBe(302)
		const signIn2 = await callAction(loginPage, '/login', { phone, password: 'ZhouMin2027' }, { as: await anonymous() })
		const open = await callLoader<{ closed: boolean; enrolment: { secret: string } }>(twoFactorPage, signIn2.location!, { as: withCookie(await anonymous(), signIn2) })
		expect(open.data.closed).toBe(false)
		expect(open.data.enrolment.secret).toMatch(/^[A-Z2-7]+$/)
	})

	it('finds an account among thousands by name or phone, a page at a time, within the viewer’s scope', async () => {
		const district = await signIn((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).phone)
		const tag = `寻${String(Date.now()).slice(-6)}`
		const wanted = await makeUser({ role: 'community_officer', districtId: 'dongbao', name: `${tag}甲` })
		const elsewhere = await makeUser({ role: 'community_officer', districtId: 'zhongxiang', name: `${tag}乙` })
		type Listed = { staff: { id: string }[]; hasMore: boolean; q: string | null }
		const byName = await callLoader<Listed>(staffPage, `/bureau/staff?q=${encodeURIComponent(tag)}`, { as: district })
		expect(byName.data.staff.map((s) => s.id)).toEqual([wanted.id])
		const byPhone = await callLoader<Listed>(staffPage, `/bureau/staff?q=${wanted.phone.slice(-8)}`, { as: district })
		expect(byPhone.data.staff.map((s) => s.id)).toEqual([wanted.id])
		expect(byPhone.data.staff.map((s) => s.id)).not.toContain(elsewhere.id)
		// 55 more in the district: the first page holds 50 and says there is more; the second the rest.
		for (let i = 0; i < 55; i++) await makeUser({ role: 'provider_staff', districtId: 'dongbao', name: `${tag}页${i}` })
		const first = await callLoader<Listed>(staffPage, `/bureau/staff?q=${encodeURIComponent(tag)}`, { as: district })
		const second = await callLoader<Listed>(staffPage, `/bureau/staff?q=${encodeURIComponent(tag)}&page=2`, { as: district })
		expect([first.data.staff.length, first.data.hasMore, second.data.staff.length, second.data.hasMore]).toEqual([50, true, 6, false])
		expect(new Set([...first.data.staff, ...second.data.staff].map((s) => s.id)).size).toBe(56)
	})

	it('deactivates the account of someone who left the post: signed out everywhere, links dead, listed as deactivated; a new invitation gives it back', async () => {
		const districtUser = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const district = await signIn(districtUser.phone)
		const officer = await makeUser({ role: 'community_officer', districtId: 'dongbao', name: '离岗干部' })
		const officerSession = await signIn(officer.phone)
		await prisma.userInvitation.create({ data: { userId: officer.id, tokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 3600_000), createdById: districtUser.id } })
		const deactivate = (userId: string, reason = '调离岗位') => callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `deactivate-${userId}`, intent: 'deactivate', userId, reason }, { as: district })

		expect((await deactivate(officer.id, '')).status).toBe(400)
		expect((await deactivate(districtUser.id)).status).toBe(403)
		expect((await deactivate((await makeUser({ role: 'community_officer', districtId: 'zhongxiang' })).id)).status).toBe(404)
		expect((await deactivate((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).id)).status).toBe(403)
		expect(await prisma.user.count({ where: { id: officer.id, active: true } })).toBe(1)

		const done = await deactivate(officer.id)
		expect(done.status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: officer.id }, select: { active: true, sessions: true } })).toMatchObject({ active: false, sessions: [] })
		expect(await prisma.userInvitation.count({ where: { userId: officer.id, usedAt: null } })).toBe(0)
		expect((await callLoader(auditPage, '/bureau/audit', { as: officerSession })).status).toBe(302)
		expect((await callAction(loginPage, '/login', { phone: officer.phone, password: TEST_PASSWORD }, { as: await anonymous() })).status).toBe(401)
		expect(await prisma.auditLog.findFirst({ where: { action: 'account.deactivate_staff', entityId: officer.id }, select: { actorId: true, details: true } })).toMatchObject({ actorId: districtUser.id, details: { reason: '调离岗位', sessionsEnded: 1 } })
		const again = await deactivate(officer.id)
		expect(again.status).toBe(409)
		expect(again.data.result?.error?.userId).toEqual(['errors.staff.inactive'])
		type Listed = { staff: { id: string; active: boolean }[] }
		const listed = await callLoader<Listed>(staffPage, `/bureau/staff?q=${encodeURIComponent('离岗干部')}`, { as: district })
		expect(listed.data.staff.find((s) => s.id === officer.id)).toMatchObject({ active: false })

		// Back at a post: a new invitation, and the person sets a new password through it.
		const back = await callAction<Reinvited>(staffPage, '/bureau/staff', { formId: `reinvite-${officer.id}`, intent: 'reinvite', userId: officer.id, reason: '返岗' }, { as: district })
		expect(back.status).toBe(200)
		expect(await prisma.auditLog.findFirst({ where: { action: 'account.reinvite_staff', entityId: officer.id }, select: { details: true } })).toMatchObject({ details: { reactivated: true } })
		const token = back.data.value.inviteUrl.split('/').pop()!
		expect((await callAction(invitePage, `/invite/${token}`, { password: 'BackAgain26', confirmPassword: 'BackAgain26' }, { as: await anonymous(), params: { token } })).status).toBe(302)
		expect((await callAction(loginPage, '/login', { phone: officer.phone, password: 'BackAgain26' }, { as: await anonymous() })).status).toBe(302)
	})

	it('a provider’s manager invites, resets and deactivates the provider’s own staff; never a manager, another provider’s staff, or as a non-manager', async () => {
		const provider = await prisma.provider.findFirstOrThrow({ where: { status: 'approved', kind: 'home_care', districtId: 'dongbao' }, select: { id: true } })
		const other = await prisma.provider.findFirstOrThrow({ where: { status: 'approved', id: { not: provider.id } }, select: { id: true } })
		const admin = await signIn((await makeUser({ role: 'admin' })).phone)
		// The bureau makes the provider's manager.
		const managerPhone = uniquePhone()
		expect((await callAction(staffPage, '/bureau/staff', { name: '机构主管', phone: managerPhone, role: 'provider_staff', providerId: provider.id }, { as: admin })).status).toBe(200)
		const managerRow = await prisma.user.update({ where: { phone: managerPhone }, data: { passwordHash: await testPasswordHash() }, select: { id: true, providerManager: true } })
		expect(managerRow.providerManager).toBe(true)
		const manager = await signIn(managerPhone)
		type Invited = { ok: boolean; value: { id: string; inviteUrl: string } }
		const invite = (as: Visitor, fields: Record<string, string>) => callAction<Invited>(providerStaffPage, '/provider/staff', { formId: 'invite-staff', ...fields }, { as })

		expect((await invite(manager, { name: '', phone: '123' })).status).toBe(400)
		const made = await invite(manager, { name: '护理员小周', phone: uniquePhone() })
		expect(made.status).toBe(200)
		expect(made.data.value.inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/)
		const caregiver = await prisma.user.findUniqueOrThrow({ where: { id: made.data.value.id }, select: { id: true, role: true, providerId: true, providerManager: true, districtId: true } })
		expect(caregiver).toMatchObject({ role: 'provider_staff', providerId: provider.id, providerManager: false, districtId: 'dongbao' })
		const page = await callLoader<{ staff: { id: string }[] }>(providerStaffPage, '/provider/staff', { as: manager })
		expect(page.data.staff.map((s) => s.id)).toContain(caregiver.id)

		// The caregiver is no manager: no page, no invitations, no acts on colleagues.
		await prisma.user.update({ where: { id: caregiver.id }, data: { passwordHash: await testPasswordHash() } })
		const caregiverSession = await signIn({ id: caregiver.id })
		expect((await callLoader(providerStaffPage, '/provider/staff', { as: caregiverSession })).status).toBe(403)
		expect((await invite(caregiverSession, { name: '护理员小李', phone: uniquePhone() })).status).toBe(403)
		// The manager: not on another manager, nor on another provider's staff (not found).
		const act = (intent: string, userId: string) => callAction(providerStaffPage, '/provider/staff', { formId: `${intent}-${userId}`, intent, userId, reason: '离职' }, { as: manager })
		expect((await act('deactivate', managerRow.id)).status).toBe(403)
		const stranger = await makeUser({ role: 'provider_staff', providerId: other.id })
		expect((await act('deactivate', stranger.id)).status).toBe(404)
		const officer = await makeUser({ role: 'community_officer', districtId: 'dongbao' })
		expect((await act('reinvite', officer.id)).status).toBe(404)
		expect(await prisma.user.count({ where: { id: { in: [stranger.id, officer.id] }, active: true } })).toBe(2)

		expect((await act('deactivate', caregiver.id)).status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: caregiver.id }, select: { active: true } })).toEqual({ active: false })
		expect((await callLoader(providerStaffPage, '/provider/staff', { as: caregiverSession })).status).toBe(302)
		expect((await act('reinvite', caregiver.id)).status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: caregiver.id }, select: { active: true } })).toEqual({ active: true })
	})

	it('counts for two-person control: whoever reset an account may not approve what it made, nor it what they made', async () => {
		const adminLike = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const officer = await makeUser({ role: 'community_officer', districtId: 'dongbao' })
		expect(await twoPersonRefusal(adminLike, [officer.id])).toBeNull()
		const res = await callAction(staffPage, '/bureau/staff', { formId: `reinvite-${officer.id}`, intent: 'reinvite', userId: officer.id, reason: '手机丢失' }, { as: await signIn(adminLike.phone) })
		expect(res.status).toBe(200)
		expect(await twoPersonRefusal(adminLike, [officer.id])).toMatchObject({ status: 403, formError: 'errors.twoPerson.creatorRelated' })
		expect(await twoPersonRefusal(officer, [adminLike.id])).toMatchObject({ status: 403, formError: 'errors.twoPerson.creatorRelated' })
	})

	it('the database refuses an allowance run approved by whoever reset its maker’s sign-in', async () => {
		const maker = await makeUser({ role: 'bureau_city' })
		const resetter = await makeUser({ role: 'bureau_city' })
		await prisma.userInvitation.create({ data: { userId: maker.id, tokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 60_000), createdById: resetter.id } })
		const month = `18${String(10 + Math.floor(Math.random() * 89)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`
		await prisma.allowanceRun.deleteMany({ where: { month } })
		const run = await prisma.allowanceRun.create({ data: { month, status: 'awaiting_approval', startedById: maker.id, paymentCount: 0, totalFen: 0 }, select: { id: true } })
		await expect(prisma.allowanceRun.update({ where: { id: run.id }, data: { approvedById: resetter.id } })).rejects.toThrow(/allowance_run_two_person/)
	})
})

describe('two-person control: approver, maker and who created whom', () => {
	it('refuses the maker, an account the maker created, and the maker’s creator; allows an unrelated officer', async () => {
		const maker = await makeUser({ role: 'bureau_city' })
		const createdByMaker = await officerWithSecret('bureau_city', maker.id)
		const creatorOfMaker = await makeUser({ role: 'admin' })
		await prisma.user.update({ where: { id: maker.id }, data: { createdById: creatorOfMaker.id } })
		const unrelated = await makeUser({ role: 'bureau_city' })
		expect(await twoPersonRefusal(maker, [maker.id])).toMatchObject({ status: 403, formError: 'errors.twoPerson.sameAccount' })
		expect(await twoPersonRefusal(createdByMaker.user, [maker.id])).toMatchObject({ status: 403, formError: 'errors.twoPerson.creatorRelated' })
		expect(await twoPersonRefusal(creatorOfMaker, [maker.id])).toMatchObject({ status: 403, formError: 'errors.twoPerson.creatorRelated' })
		expect(await twoPersonRefusal(unrelated, [maker.id])).toBeNull()
		expect(await twoPersonRefusal(unrelated, [null], { requireMaker: true })).toMatchObject({ status: 409 })
	})

	async function awaitingRun(startedById: string | null) {
		const month = `19${String(10 + Math.floor(Math.random() * 89)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`
		await prisma.allowanceRun.deleteMany({ where: { month } })
		return prisma.allowanceRun.create({ data: { month, status: 'awaiting_approval', startedById, paymentCount: 0, totalFen: 0 }, select: { id: true } })
	}

	it('an allowance run: refuses an approver the maker created, and the maker’s creator; the database refuses it too', async () => {
		const maker = await makeUser({ role: 'bureau_city' })
		const puppet = await makeUser({ role: 'bureau_city' })
		await prisma.user.update({ where: { id: puppet.id }, data: { createdById: maker.id } })
		const run = await awaitingRun(maker.id)
		expect(await approveRun(puppet, run.id, null)).toMatchObject({ ok: false, status: 403, formError: 'errors.twoPerson.creatorRelated' })
		expect(await approveRun(maker, run.id, null)).toMatchObject({ ok: false, status: 403, formError: 'allowance:errors.run.makerCannotApprove' })
		await expect(prisma.allowanceRun.update({ where: { id: run.id }, data: { approvedById: puppet.id } })).rejects.toThrow(/allowance_run_two_person/)

		const run2 = await awaitingRun(puppet.id)
		expect(await approveRun(maker, run2.id, null)).toMatchObject({ ok: false, status: 403, formError: 'errors.twoPerson.creatorRelated' })
		const other = await makeUser({ role: 'bureau_city' })
		expect(await approveRun(other, run2.id, null)).toMatchObject({ ok: true })
		expect(await prisma.allowanceRun.findUniqueOrThrow({ where: { id: run2.id }, select: { status: true } })).toEqual({ status: 'approved' })
	})

	it('a scheduler run needs one city officer to submit and another to approve', async () => {
		const run = await awaitingRun(null)
		const a = await makeUser({ role: 'bureau_city' })
		const b = await makeUser({ role: 'bureau_city' })
		const path = `/bureau/allowance/runs/${run.id}`
		const params = { runId: run.id }
		const asA = await signIn(a.phone)
		const asB = await signIn(b.phone)
		// Nobody may approve it before it is submitted.
		const early = await callAction(runPage, path, { intent: 'approve' }, { as: asA, params })
		expect(early.status).toBe(409)
		expect(JSON.stringify(early.data)).toContain('errors.twoPerson.needsSubmitter')
		await expect(prisma.allowanceRun.update({ where: { id: run.id }, data: { approvedById: a.id } })).rejects.toThrow(/allowance_run_submitted_before_approval/)

		const district = await signIn((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).phone)
		expect((await callAction(runPage, path, { intent: 'submit' }, { as: district, params })).status).toBe(403)
		expect((await callAction(runPage, path, { intent: 'submit' }, { as: asA, params })).status).toBe(200)
		expect((await callAction(runPage, path, { intent: 'submit' }, { as: asB, params })).status).toBe(409)
		const page = await callLoader<{ submission: { submittedBy: string; viewerIsSubmitter: boolean } }>(runPage, path, { as: asA, params })
		expect(page.data.submission).toMatchObject({ viewerIsSubmitter: true })

		const self = await callAction(runPage, path, { intent: 'approve' }, { as: asA, params })
		expect(self.status).toBe(403)
		expect((await callAction(runPage, path, { intent: 'approve' }, { as: asB, params })).status).toBe(200)
		const row = await prisma.allowanceRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, submittedById: true, approvedById: true } })
		expect(row).toEqual({ status: 'approved', submittedById: a.id, approvedById: b.id })
		expect(await prisma.auditLog.count({ where: { action: 'allowance.run_submit', entityId: run.id, actorId: a.id } })).toBe(1)
	})

	it('a subsidy application: the bureau cannot approve what a community officer it created reviewed', async () => {
		const bureau = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const reviewer = await makeUser({ role: 'community_officer', districtId: 'dongbao' })
		await prisma.user.update({ where: { id: reviewer.id }, data: { createdById: bureau.id } })
		const family = await makeUser({ role: 'family' })
		const elder = await prisma.elder.findFirstOrThrow({ where: { districtId: 'dongbao' }, select: { id: true } })
		const policy = await prisma.subsidyPolicy.create({ data: { code: `tp-${process.pid}-${Date.now()}`, nameZh: '两人审核测试', nameEn: 'Two-person test' }, select: { id: true } })
		const version = await prisma.subsidyPolicyVersion.create({ data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: 10_000, coveredCategories: ['meals'], copayBps: 2_000 }, select: { id: true } })
		const app = await prisma.subsidyApplication.create({
			data: { policyId: policy.id, policyVersionId: version.id, elderId: elder.id, applicantId: family.id, districtId: 'dongbao', householdSize: 1, householdIncomeFen: 0, status: 'community_approved', communityReviewerId: reviewer.id },
			select: { id: true },
		})
		const decided = await bureauDecide(bureau, { applicationId: app.id, decision: 'approve', override: false }, null)
		expect(decided).toMatchObject({ ok: false, status: 403, formError: 'errors.twoPerson.creatorRelated' })
		expect(await prisma.subsidyApplication.findUniqueOrThrow({ where: { id: app.id }, select: { status: true } })).toEqual({ status: 'community_approved' })
		const other = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const byOther = await bureauDecide(other, { applicationId: app.id, decision: 'approve', override: false }, null)
		expect(byOther.ok || byOther.formError !== 'errors.twoPerson.creatorRelated').toBe(true)
	})
})

describe('settings and policy changes wait for a second officer', () => {
	const settings = { effectiveMonth: '2098-03', tier80: '75', tier90: '150', tier100: '350', livenessWindowMonths: '12', backPayAllowed: 'yes' }

	it('allowance tier amounts take effect only when another city officer approves them', async () => {
		const proposerUser = await makeUser({ role: 'bureau_city' })
		const proposer = await signIn(proposerUser.phone)
		const puppetUser = await makeUser({ role: 'bureau_city' })
		await prisma.user.update({ where: { id: puppetUser.id }, data: { createdById: proposerUser.id } })
		const puppet = await signIn(puppetUser.phone)
		const checker = await signIn((await makeUser({ role: 'bureau_city' })).phone)
		const saved = () => prisma.allowanceSetting.count({ where: { effectiveMonth: '2098-03' } })

		expect((await callAction(settingsPage, '/bureau/allowance/settings', settings, { as: proposer })).status).toBe(200)
		expect(await saved()).toBe(0)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_settings', proposedById: proposerUser.id, status: 'pending' }, select: { id: true } })
		const page = await callLoader<{ pending: { id: string; viewerIsProposer: boolean }[] }>(settingsPage, '/bureau/allowance/settings', { as: proposer })
		expect(page.data.pending.find((c) => c.id === change.id)?.viewerIsProposer).toBe(true)

		const decide = (as: Visitor, decision = 'approve') => callAction(settingsPage, '/bureau/allowance/settings', { formId: 'decide-change', changeId: change.id, decision }, { as })
		const own = await decide(proposer)
		expect(own.status).toBe(403)
		expect(JSON.stringify(own.data)).toContain('errors.change.ownProposal')
		const related = await decide(puppet)
		expect(related.status).toBe(403)
		expect(JSON.stringify(related.data)).toContain('errors.twoPerson.creatorRelated')
		expect(await saved()).toBe(0)
		// The database refuses decider = proposer as well.
		await expect(prisma.pendingChange.update({ where: { id: change.id }, data: { decidedById: proposerUser.id } })).rejects.toThrow(/pending_change_decider_not_proposer/)

		expect((await decide(checker)).status).toBe(200)
		expect(await prisma.allowanceSetting.findUniqueOrThrow({ where: { effectiveMonth: '2098-03' }, select: { tier80Fen: true } })).toEqual({ tier80Fen: 7_500 })
		const twice = await decide(checker, 'reject')
		expect(twice.status).toBe(409)
		expect(await prisma.auditLog.count({ where: { action: 'change.approve', entityId: change.id } })).toBe(1)

		// A rejected proposal changes nothing.
		expect((await callAction(settingsPage, '/bureau/allowance/settings', { ...settings, effectiveMonth: '2098-04' }, { as: proposer })).status).toBe(200)
		const second = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_settings', status: 'pending', subjectId: '2098-04' }, select: { id: true } })
		expect((await callAction(settingsPage, '/bureau/allowance/settings', { formId: 'decide-change', changeId: second.id, decision: 'reject' }, { as: checker })).status).toBe(200)
		expect(await prisma.allowanceSetting.count({ where: { effectiveMonth: '2098-04' } })).toBe(0)
		// Bad decisions are 4xx.
		expect((await callAction(settingsPage, '/bureau/allowance/settings', { formId: 'decide-change', changeId: 'nope', decision: 'approve' }, { as: checker })).status).toBe(400)
		expect((await callAction(settingsPage, '/bureau/allowance/settings', { formId: 'decide-change', changeId: crypto.randomUUID(), decision: 'approve' }, { as: checker })).status).toBe(404)
	})

	it('a subsidy policy version takes effect only when another city officer approves it', async () => {
		const policy = await prisma.subsidyPolicy.create({ data: { code: `pc-${process.pid}-${Date.now()}`, nameZh: '变更测试', nameEn: 'Change test' }, select: { id: true } })
		await prisma.subsidyPolicyVersion.create({ data: { policyId: policy.id, version: 1, effectiveFrom: new Date('2020-01-01'), monthlyCreditFen: 20_000, coveredCategories: ['meals'], copayBps: 3_000 } })
		const proposerUser = await makeUser({ role: 'bureau_city' })
		const proposer = await signIn(proposerUser.phone)
		const checker = await signIn((await makeUser({ role: 'bureau_city' })).phone)
		const fields = { intent: 'version', policyId: policy.id, effectiveFrom: '2099-01-01', minDisability: 'none', minAge: '60', monthlyCredit: '250', copayPercent: '25', coveredCategories: ['meals'], expiresAtMonthEnd: 'on' }
		expect((await callAction(policiesPage, '/subsidies/policies', fields, { as: proposer })).status).toBe(200)
		expect(await prisma.subsidyPolicyVersion.count({ where: { policyId: policy.id } })).toBe(1)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'subsidy_policy_version', subjectId: policy.id }, select: { id: true } })
		const decide = (as: Visitor) => callAction(policiesPage, '/subsidies/policies', { formId: 'decide-change', changeId: change.id, decision: 'approve' }, { as })
		expect((await decide(proposer)).status).toBe(403)
		expect((await decide(checker)).status).toBe(200)
		const versions = await prisma.subsidyPolicyVersion.findMany({ where: { policyId: policy.id }, orderBy: { version: 'asc' }, select: { version: true, monthlyCreditFen: true, createdById: true } })
		expect(versions).toEqual([
			{ version: 1, monthlyCreditFen: 20_000, createdById: null },
			{ version: 2, monthlyCreditFen: 25_000, createdById: proposerUser.id },
		])
		// A district officer can neither propose nor decide.
		const district = await signIn((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).phone)
		expect((await callAction(policiesPage, '/subsidies/policies', { ...fields, effectiveFrom: '2099-06-01' }, { as: district })).status).toBe(403)
		expect((await decide(district)).status).toBe(403)
	})
})

describe('step-up before exporting a bank file', () => {
	it('sends an officer whose last check is old to /reauth and back to the run page, exporting nothing', async () => {
		const bankFile = await import('~/routes/bureau.allowance.runs.$runId.bank-file.ts')
		const officerUser = await makeUser({ role: 'bureau_city' })
		const officer = await signIn(officerUser.phone)
		await prisma.session.updateMany({ where: { userId: officerUser.id }, data: { authenticatedAt: new Date(Date.now() - 6 * 60_000) } })
		const runId = crypto.randomUUID()
		const res = await callAction(bankFile, `/bureau/allowance/runs/${runId}/bank-file`, {}, { as: officer, params: { runId } })
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/reauth?redirectTo=${encodeURIComponent(`/bureau/allowance/runs/${runId}`)}`)
	})
})

describe('bounded input at the form', () => {
	it('refuses a name with a control character or digits with 400, writing nothing', async () => {
		const register = await import('~/routes/register.tsx')
		for (const name of ['王\u0000芳', '王芳2', '王\u202e芳']) {
			const phone = uniquePhone()
			const res = await callAction(register, '/register', { name, phone, password: 'Abcdef12', confirmPassword: 'Abcdef12' }, { as: await anonymous() })
			expect(res.status).toBe(400)
			expect(await prisma.user.count({ where: { phone } })).toBe(0)
		}
	})
})

describe('step-up before deciding a settings change', () => {
	it('sends a checker whose last check is old to /reauth, deciding nothing', async () => {
		const proposer = await signIn((await makeUser({ role: 'bureau_city' })).phone)
		expect((await callAction(settingsPage, '/bureau/allowance/settings', { effectiveMonth: '2097-05', tier80: '70', tier90: '140', tier100: '320', livenessWindowMonths: '12', backPayAllowed: 'yes' }, { as: proposer })).status).toBe(200)
		const change = await prisma.pendingChange.findFirstOrThrow({ where: { kind: 'allowance_settings', subjectId: '2097-05' }, select: { id: true } })
		const checkerUser = await makeUser({ role: 'bureau_city' })
		const checker = await signIn(checkerUser.phone)
		await prisma.session.updateMany({ where: { userId: checkerUser.id }, data: { authenticatedAt: new Date(Date.now() - 6 * 60_000) } })
		const res = await callAction(settingsPage, '/bureau/allowance/settings', { formId: 'decide-change', changeId: change.id, decision: 'approve' }, { as: checker })
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/reauth?redirectTo=${encodeURIComponent('/bureau/allowance/settings')}`)
		expect(await prisma.pendingChange.findUniqueOrThrow({ where: { id: change.id }, select: { status: true } })).toEqual({ status: 'pending' })
	})
})
