// Who may act on due process for an elder: officers whose scope (access.server.ts elderScope) holds the elder.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma } from '~/lib/db.server.ts'
import { elderScope } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export const OFFICER_ROLES = ['community_officer', 'township_officer', 'bureau_district', 'bureau_city', 'admin'] as const

export function isOfficer(user: SessionUser) {
	return (OFFICER_ROLES as readonly string[]).includes(user.role)
}

/** Elders in the officer's scope, as a filter (no elder at all for other roles). */
export function officerElderScope(user: SessionUser): Prisma.ElderWhereInput {
	return isOfficer(user) ? elderScope(user) : { id: '00000000-0000-0000-0000-000000000000' }
}

export async function officerHasElder(user: SessionUser, elderId: string) {
	return isOfficer(user) && (await prisma.elder.count({ where: { AND: [{ id: elderId }, elderScope(user)] } })) > 0
}
