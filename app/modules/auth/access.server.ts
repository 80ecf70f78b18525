import { redirect } from '@remix-run/node'
import { prisma } from '~/lib/db.server.ts'
import type { Role } from '~/generated/prisma/enums.ts'
import type { Prisma } from '~/generated/prisma/client.ts'
import { getSessionUser, type SessionUser } from './session.server.ts'

// One place decides who may see what. Loaders and actions call these guards; they throw a
// Response (redirect to sign-in, 403, or 404 where existence itself would leak).

export const BUREAU_ROLES: readonly Role[] = ['bureau_district', 'bureau_city', 'admin']
export const STAFF_CREATOR_ROLES: readonly Role[] = ['bureau_district', 'bureau_city', 'admin']

export async function requireUser(request: Request): Promise<SessionUser> {
	return signedIn(request, await getSessionUser(request))
}

export async function requireRole(request: Request, roles: readonly Role[]): Promise<SessionUser> {
	return withRole(request, await getSessionUser(request), roles)
}

/** requireUser's answer for a user already looked up (null: not signed in): the user, or a redirect to sign in. */
export function signedIn(request: Request, user: SessionUser | null): SessionUser {
	if (!user) {
		const url = new URL(request.url)
		throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`)
	}
	return user
}

/** requireRole's answer for a user already looked up (null: not signed in). */
export function withRole(request: Request, user: SessionUser | null, roles: readonly Role[]): SessionUser {
	const known = signedIn(request, user)
	if (!roles.includes(known.role)) throw new Response('You do not have access to this page.', { status: 403 })
	return known
}

export function isCityWide(user: SessionUser) {
	return user.role === 'bureau_city' || user.role === 'admin'
}

/** Whether the user may act on records of a district (bureau, community staff). */
export function canActInDistrict(user: SessionUser, districtId: string) {
	if (isCityWide(user)) return true
	return (user.role === 'bureau_district' || user.role === 'community_officer') && user.districtId === districtId
}

/** The elders a user may see, as a Prisma filter. Provider staff see elders through their bookings. */
export function elderScope(user: SessionUser): Prisma.ElderWhereInput {
	switch (user.role) {
		case 'family':
			return { families: { some: { userId: user.id } } }
		case 'community_officer':
			return user.communityId ? { communityId: user.communityId } : { districtId: user.districtId ?? '-' }
		case 'township_officer':
			return { districtId: user.districtId ?? '-', community: { is: inOwnTownship(user) } }
		case 'bureau_district':
			return { districtId: user.districtId ?? '-' }
		case 'bureau_city':
		case 'admin':
			return {}
		default:
			return { id: '00000000-0000-0000-0000-000000000000' }
	}
}

/** Who may reveal a full identity number (audited): the family caring for the elder and officials in scope. */
export function mayRevealIdNumber(user: SessionUser) {
	return user.role !== 'provider_staff'
}

// ---------------------------------------------------------------- registry: townships and officers

/** Officers who register, edit and verify elders in their area (community → township → district → city). */
export const REGISTRAR_ROLES: readonly Role[] = ['community_officer', 'township_officer', 'bureau_district', 'bureau_city']

/** Every role that may open the registry of elders. */
export const ELDER_VIEWER_ROLES: readonly Role[] = ['family', ...REGISTRAR_ROLES, 'admin']

export function isRegistrar(user: SessionUser) {
	return REGISTRAR_ROLES.includes(user.role)
}

/**
 * The township a township officer serves, as a filter on communities. The session carries only
 * district and community, so the township is read through the officer's own user row.
 */
function inOwnTownship(user: SessionUser): Prisma.CommunityWhereInput {
	return { township: { is: { users: { some: { id: user.id, role: 'township_officer' } } } } }
}

/**
 * The communities and villages a user may register elders in and verify residences of, as a
 * Prisma filter (retired ones excluded by the callers that write).
 */
export function communityScope(user: SessionUser): Prisma.CommunityWhereInput {
	switch (user.role) {
		case 'community_officer':
			return user.communityId ? { id: user.communityId } : { districtId: user.districtId ?? '-' }
		case 'township_officer':
			return { districtId: user.districtId ?? '-', ...inOwnTownship(user) }
		case 'bureau_district':
			return { districtId: user.districtId ?? '-' }
		case 'bureau_city':
			return {}
		default:
			return { id: '00000000-0000-0000-0000-000000000000' }
	}
}

/** The township of a township officer (null for every other role, or one not yet assigned). */
export async function townshipIdOf(user: SessionUser): Promise<string | null> {
	if (user.role !== 'township_officer') return null
	const row = await prisma.user.findUnique({ where: { id: user.id }, select: { townshipId: true } })
	return row?.townshipId ?? null
}

/** District officers manage the geography of their district; city officers of every district. */
export function mayManageGeography(user: SessionUser, districtId: string) {
	return user.role === 'bureau_city' || (user.role === 'bureau_district' && user.districtId === districtId)
}
