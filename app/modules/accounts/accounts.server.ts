import { z } from 'zod'
import type { Role } from '~/generated/prisma/enums.ts'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { sql } from '~/lib/sql.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import { listPlaces } from '~/modules/geography/geography.server.ts'
import { deviceClaimFits, type DeviceClaim } from '~/modules/auth/device-cookie.server.ts'
import { attemptSucceeded, beginAttempt, beginDeviceAttempt, waitAfterFailure } from '~/modules/auth/login-limit.server.ts'
import { INVITED_PASSWORD_HASH, newInvitationToken } from '~/modules/accounts/invitations.server.ts'
import { hashPassword, verifyAgainstDummy, verifyPassword } from '~/modules/auth/password.server.ts'
import { isOfficer } from '~/modules/auth/two-factor.server.ts'
import { recordConsent } from './privacy.server.ts'
import { createStaffSchema, STAFF_ROLES, type deactivateStaffSchema, type reinviteStaffSchema } from './schemas.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'


/** A family registers itself; the privacy notice it accepted is recorded with the account. */
export async function registerFamily(input: { name: string; phone: string; password: string; ip: string | null }): Promise<Outcome<{ id: string }>> {
	const passwordHash = await hashPassword(input.password)
	try {
		return ok(
			await transaction(async (tx) => {
				const user = await tx.user.create({ data: { name: input.name, phone: input.phone, passwordHash, role: 'family' }, select: { id: true } })
				await recordConsent(tx, { userId: user.id, kind: 'privacy_notice', ip: input.ip })
				await audit({ actor: { id: user.id, role: 'family' }, action: 'account.register', entityType: 'user', entityId: user.id, ip: input.ip }, tx)
				return user
			}),
		)
	} catch (error) {
		return failureOf(error)
	}
}

export type LoginResult = { ok: true; userId: string; secondFactor: boolean } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; retryAfterSeconds: number }

/**
 * Checks a phone and password. `devices`: the claims of the browser's device cookie; when one fits the
 * account (and its nonce is not locked out) the attempt is counted on the device instead of the
 * phone's keys, so a distributed guesser slowing the phone does not slow its owner's browser.
 */
export async function authenticate(input: { phone: string; password: string; ip: string | null; devices?: readonly DeviceClaim[] }): Promise<LoginResult> {
	const user = await prisma.user.findUnique({ where: { phone: input.phone }, select: { id: true, passwordHash: true, active: true, role: true, provider: { select: { kind: true } } } })
	const trusted = (user?.active ? input.devices?.find((d) => deviceClaimFits(d, user)) : undefined)?.nonce ?? null
	// The account is read first, to judge the device cookie; the attempt is still counted before the
	// password is checked: concurrent guesses cannot all get past the limit.
	let wait = trusted ? await beginDeviceAttempt(trusted, input.ip) : null
	const device = wait === null ? null : trusted
	wait ??= await beginAttempt(input.phone, input.ip)
	if (wait > 0) return { ok: false, reason: 'locked', retryAfterSeconds: wait }
	const valid = user && user.active ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password)
	if (!user || !valid) {
		const nowWaiting = await waitAfterFailure(input.phone, input.ip, device)
		if (nowWaiting > 0) return { ok: false, reason: 'locked', retryAfterSeconds: nowWaiting }
		return { ok: false, reason: 'invalid' }
	}
	await attemptSucceeded(input.phone, input.ip, device)
	// Read with the account, so a sign-in reads it once: officers give a second factor next.
	return { ok: true, userId: user.id, secondFactor: isOfficer({ role: user.role, providerKind: user.provider?.kind ?? null }) }
}

export { createStaffSchema, STAFF_ROLES }

/** Bureau-level accounts (district and city officers, administrators): only an administrator creates them. */
export const BUREAU_LEVEL_ROLES = ['bureau_district', 'bureau_city', 'admin'] as const satisfies readonly Role[]

/** Which staff roles a creator may hand out: bureau-level ones only by an administrator; district officers only within their district. */
export function assignableRoles(creator: SessionUser): readonly (typeof STAFF_ROLES)[number][] {
	if (creator.role === 'admin') return STAFF_ROLES
	if (creator.role === 'bureau_city' || creator.role === 'bureau_district') return ['provider_staff', 'community_officer', 'township_officer']
	return []
}

/**
 * Creates a staff account as an invitation: the account has no usable password until the person
 * opens the one-time link (app/routes/invite.$token.tsx) and sets their own, so the creator never
 * knows it. Returns the link's token, shown once to the creator; only its hash is stored.
 */
export async function createStaffAccount(creator: SessionUser, input: z.infer<typeof createStaffSchema>, ip: string | null): Promise<Outcome<{ id: string; invitePath: string; expiresAt: string }>> {
	if (!assignableRoles(creator).includes(input.role)) return fieldFail('role', 'errors.role.notAllowed', 403)
	let districtId = input.role === 'bureau_city' || input.role === 'admin' ? null : input.districtId || null
	let communityId: string | null = null
	let providerId: string | null = null
	if (input.role === 'provider_staff') {
		const provider = await prisma.provider.findUnique({ where: { id: z.uuid().safeParse(input.providerId).success ? input.providerId! : '00000000-0000-0000-0000-000000000000' }, select: { id: true, districtId: true } })
		if (!provider) return fieldFail('providerId', 'errors.provider.unknown')
		providerId = provider.id
		districtId = provider.districtId
	}
	if (districtId) {
		const district = await prisma.district.findUnique({ where: { id: districtId }, select: { id: true } })
		if (!district) return fieldFail('districtId', 'errors.district.unknown')
	}
	if (input.role === 'community_officer') {
		const community = z.uuid().safeParse(input.communityId).success
			? await prisma.community.findFirst({ where: { id: input.communityId, districtId: districtId ?? undefined, retiredAt: null }, select: { id: true } })
			: null
		if (!community) return fieldFail('communityId', 'errors.community.unknown')
		communityId = community.id
	}
	// A township officer (乡镇/街道民政办) reviews for the communities of one township of the district.
	let townshipId: string | null = null
	if (input.role === 'township_officer') {
		const township = z.uuid().safeParse(input.townshipId).success
			? await prisma.township.findFirst({ where: { id: input.townshipId, districtId: districtId ?? undefined, retiredAt: null }, select: { id: true } })
			: null
		if (!township) return fieldFail('townshipId', 'errors.township.unknown')
		townshipId = township.id
	}
	if (!isCityWide(creator) && districtId !== creator.districtId) return fieldFail('districtId', 'errors.district.outOfScope', 403)
	// Provider staff the bureau creates are their provider's managers (they invite the rest: /provider/staff).
	return createInvitedAccount(creator, { name: input.name, phone: input.phone, role: input.role, districtId, communityId, townshipId, providerId, providerManager: input.role === 'provider_staff' }, ip)
}

type NewAccount = { name: string; phone: string; role: Role; districtId: string | null; communityId: string | null; townshipId: string | null; providerId: string | null; providerManager: boolean }

/** An account with no usable password and its one-time invitation link, in one transaction; audited. */
async function createInvitedAccount(creator: SessionUser, account: NewAccount, ip: string | null): Promise<Outcome<{ id: string; invitePath: string; expiresAt: string }>> {
	const invitation = newInvitationToken()
	try {
		const user = await transaction(async (tx) => {
			const created = await tx.user.create({ data: { ...account, passwordHash: INVITED_PASSWORD_HASH, createdById: creator.id }, select: { id: true } })
			await tx.userInvitation.create({ data: { userId: created.id, tokenHash: invitation.hash, expiresAt: invitation.expiresAt, createdById: creator.id } })
			const { role, providerId, communityId, townshipId, providerManager, districtId } = account
			await audit({ actor: creator, action: 'account.invite_staff', entityType: 'user', entityId: created.id, districtId, details: { role, providerId, communityId, townshipId, providerManager, expiresAt: invitation.expiresAt.toISOString() }, ip }, tx)
			return created
		})
		return ok({ id: user.id, invitePath: `/invite/${invitation.token}`, expiresAt: invitation.expiresAt.toISOString() })
	} catch (error) {
		return failureOf(error)
	}
}

/** Whether a provider staff member is their provider's manager (read fresh: the session does not carry it). */
export async function isProviderManager(user: SessionUser, tx?: Tx): Promise<boolean> {
	if (user.role !== 'provider_staff' || !user.providerId) return false
	const row = await sql`SELECT "providerManager" FROM app_user WHERE id = ${user.id}::uuid AND active`.first<{ providerManager: boolean }>(tx)
	return row?.providerManager === true
}

/** A provider's manager invites a member of the provider's own staff (a caregiver, a nurse); not a manager. */
export async function inviteProviderStaff(manager: SessionUser, input: { name: string; phone: string }, ip: string | null): Promise<Outcome<{ id: string; invitePath: string; expiresAt: string }>> {
	if (!(await isProviderManager(manager))) return fail('errors.staff.notManager', 403)
	const provider = await sql`SELECT "districtId" FROM provider WHERE id = ${manager.providerId}::uuid`.first<{ districtId: string }>()
	return createInvitedAccount(manager, { name: input.name, phone: input.phone, role: 'provider_staff', districtId: provider!.districtId, communityId: null, townshipId: null, providerId: manager.providerId, providerManager: false }, ip)
}

/** A provider's own staff, newest first, for its manager. */
export async function listProviderStaff(manager: SessionUser) {
	const rows = await prisma.user.findMany({
		where: { role: 'provider_staff', providerId: manager.providerId ?? '-', closedAt: null },
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
		take: 500,
		select: { id: true, name: true, phone: true, active: true, providerManager: true, createdAt: true, invitations: { where: { usedAt: null }, select: { expiresAt: true }, take: 1 } },
	})
	return rows.map(withInvitationState(Date.now()))
}

type StaffTarget = { id: string; name: string; role: Role; districtId: string | null; active: boolean }

/**
 * Locks a staff account for an act by `actor`, or says why not: never one's own (403), outside the
 * actor's reach "not found" (which accounts exist elsewhere is not theirs to learn), a role the actor
 * may not create 403. A closed family account is no staff account.
 */
async function lockStaffTarget(tx: Tx, actor: SessionUser, userId: string): Promise<Outcome<StaffTarget>> {
	if (userId === actor.id) return fieldFail('userId', 'errors.staff.self', 403)
	const target = await sql`SELECT id, name, role, "districtId", active, "providerId", "providerManager" FROM app_user WHERE id = ${userId} AND "closedAt" IS NULL FOR UPDATE`.first<StaffTarget & { providerId: string | null; providerManager: boolean }>(tx)
	// A provider's manager acts on the provider's own staff, other managers excepted (the bureau's).
	if (actor.role === 'provider_staff') {
		if (!(await isProviderManager(actor, tx))) return fail('errors.staff.notManager', 403)
		if (!target || target.role !== 'provider_staff' || target.providerId !== actor.providerId) return fieldFail('userId', 'errors.staff.unknown', 404)
		if (target.providerManager) return fieldFail('userId', 'errors.role.notAllowed', 403)
		return ok(target)
	}
	const inScope = target && (STAFF_ROLES as readonly Role[]).includes(target.role) && (isCityWide(actor) || target.districtId === actor.districtId)
	if (!target || !inScope) return fieldFail('userId', 'errors.staff.unknown', 404)
	if (!(assignableRoles(actor) as readonly Role[]).includes(target.role)) return fieldFail('userId', 'errors.role.notAllowed', 403)
	return ok(target)
}

/**
 * A new invitation for an existing staff account: the person lost the phone with their authenticator
 * and their recovery codes, forgot the password, let the first invitation expire, or comes back to a
 * post after their account was deactivated (it is active again from now, with no usable password
 * until the link is opened). In one transaction the password stops working, the second factor and
 * recovery codes are cleared, every session ends and older links die; the new one-time link is shown
 * once to the resetter, and the person sets a new password through it and enrols an authenticator
 * again at the next sign-in. Whoever may create an account of that role in that scope may reset it,
 * never their own.
 */
export async function reinviteStaff(actor: SessionUser, input: z.infer<typeof reinviteStaffSchema>, ip: string | null): Promise<Outcome<{ id: string; name: string; invitePath: string; expiresAt: string }>> {
	const invitation = newInvitationToken()
	try {
		return await transaction(async (tx) => {
			const locked = await lockStaffTarget(tx, actor, input.userId)
			if (!locked.ok) return locked
			const target = locked.value
			await tx.user.update({
				where: { id: target.id },
				data: { active: true, passwordHash: INVITED_PASSWORD_HASH, totpSecret: null, totpEnabledAt: null, totpPendingSecret: null, totpLastCounter: null },
				select: { id: true },
			})
			await tx.recoveryCode.deleteMany({ where: { userId: target.id } })
			const ended = await tx.session.deleteMany({ where: { userId: target.id } })
			await tx.userInvitation.updateMany({ where: { userId: target.id, usedAt: null }, data: { usedAt: new Date() } })
			await tx.userInvitation.create({ data: { userId: target.id, tokenHash: invitation.hash, expiresAt: invitation.expiresAt, createdById: actor.id } })
			await audit(
				{ actor, action: 'account.reinvite_staff', entityType: 'user', entityId: target.id, districtId: target.districtId, details: { role: target.role, reason: input.reason, sessionsEnded: ended.count, reactivated: !target.active, expiresAt: invitation.expiresAt.toISOString() }, ip },
				tx,
			)
			return ok({ id: target.id, name: target.name, invitePath: `/invite/${invitation.token}`, expiresAt: invitation.expiresAt.toISOString() })
		})
	} catch (error) {
		return failureOf(error)
	}
}

/**
 * Deactivates a staff account whose person left the post: from this moment it signs in nowhere (every
 * session ends, unused invitation links die, a device cookie no longer counts) and it keeps its
 * history (decisions, audit entries, two-person records name it). Given back only by a new invitation
 * (reinviteStaff). The same reach as a reset; a second deactivation is 409.
 */
export async function deactivateStaff(actor: SessionUser, input: z.infer<typeof deactivateStaffSchema>, ip: string | null): Promise<Outcome<{ id: string; name: string }>> {
	return transaction(async (tx) => {
		const locked = await lockStaffTarget(tx, actor, input.userId)
		if (!locked.ok) return locked
		const target = locked.value
		if (!target.active) return fieldFail('userId', 'errors.staff.inactive', 409)
		await tx.user.update({ where: { id: target.id }, data: { active: false }, select: { id: true } })
		const ended = await tx.session.deleteMany({ where: { userId: target.id } })
		await tx.userInvitation.updateMany({ where: { userId: target.id, usedAt: null }, data: { usedAt: new Date() } })
		await audit({ actor, action: 'account.deactivate_staff', entityType: 'user', entityId: target.id, districtId: target.districtId, details: { role: target.role, reason: input.reason, sessionsEnded: ended.count }, ip }, tx)
		return ok({ id: target.id, name: target.name })
	})
}

/** A listed account with its unused link, if any, as a state: waiting for its person, or expired (a reset gives a new one). */
const withInvitationState =
	(now: number) =>
	<T extends { invitations: { expiresAt: Date }[] }>({ invitations, ...account }: T) => ({
		...account,
		invitation: invitations[0] ? (invitations[0].expiresAt.getTime() > now ? ('pending' as const) : ('expired' as const)) : null,
	})

/** Staff accounts shown per page of the staff list. */
export const STAFF_PAGE_SIZE = 50

/**
 * The staff accounts a viewer may see, newest first, a page at a time, optionally those whose name or
 * phone contains `q` (a city has thousands: every community and village officer, every provider's staff).
 */
export async function listStaff(viewer: SessionUser, opts: { q?: string | null; page?: number } = {}) {
	const q = opts.q?.trim()
	const rows = await prisma.user.findMany({
		where: {
			role: { not: 'family' },
			...(isCityWide(viewer) ? {} : { districtId: viewer.districtId }),
			...(q ? { OR: [{ name: { contains: q } }, { phone: { contains: q } }] } : {}),
		},
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
		...pageWindow(opts.page ?? 1, STAFF_PAGE_SIZE),
		select: { id: true, name: true, phone: true, role: true, active: true, districtId: true, district: { select: { nameZh: true, nameEn: true } }, provider: { select: { name: true } }, community: { select: { nameZh: true } }, township: { select: { nameZh: true } }, createdAt: true, invitations: { where: { usedAt: null }, select: { expiresAt: true }, take: 1 } },
	})
	const staff = rows.slice(0, STAFF_PAGE_SIZE).map(withInvitationState(Date.now()))
	return { staff, hasMore: rows.length > STAFF_PAGE_SIZE }
}

/** What the create-staff form offers this creator: their districts, providers and roles. */
/**
 * The invitation form's choices. A district officer's are its district's; a city-wide officer first
 * chooses a district (`requested`), and sees that district's townships, communities and providers
 * only: a city has about 1,900 communities and as many providers as it licenses, too many to list at once.
 */
export async function staffFormOptions(viewer: SessionUser, requested: string | null) {
	const cityWide = isCityWide(viewer)
	const districts = await prisma.district.findMany({ where: cityWide ? {} : { id: viewer.districtId ?? '-' }, orderBy: { sortOrder: 'asc' }, select: { id: true, nameZh: true, nameEn: true } })
	const chosen = cityWide ? (districts.find((d) => d.id === requested)?.id ?? null) : (viewer.districtId ?? null)
	const [providers, places] = chosen
		? await Promise.all([
				prisma.provider.findMany({ where: { districtId: chosen }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
				// Communities grouped by township: the community and township choices.
				listPlaces({ districtId: chosen }),
			])
		: [[], []]
	return { districts, district: chosen, providers, places, roles: assignableRoles(viewer) }
}
