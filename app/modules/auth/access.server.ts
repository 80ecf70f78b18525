import { redirect } from '@remix-run/node'
import type { Role } from '~/generated/prisma/enums.ts'
import type { Prisma } from '~/generated/prisma/client.ts'
import { getSessionUser, type SessionUser } from './session.server.ts'

// One place decides who may see what. Loaders and actions call these guards; they throw a
// Response (redirect to sign-in, 403, or 404 where existence itself would leak).

export const BUREAU_ROLES: readonly Role[] = ['bureau_district', 'bureau_city', 'admin']
export const STAFF_CREATOR_ROLES: readonly Role[] = ['bureau_district', 'bureau_city', 'admin']

export async function requireUser(request: Request): Promise<SessionUser> {
	const user = await getSessionUser(request)
	if (!user) {
		const url = new URL(request.url)
		throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`)
	}
	return user
}

export async function requireRole(request: Request, roles: readonly Role[]): Promise<SessionUser> {
	const user = await requireUser(request)
	if (!roles.includes(user.role)) throw new Response('You do not have access to this page.', { status: 403 })
	return user
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
