import type { ProviderStatus } from '~/generated/prisma/enums.ts'
import { prisma } from '~/lib/db.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

export type InstitutionStaff = SessionUser & { providerId: string; providerName: string; districtId: string; providerStatus: ProviderStatus }

/** Staff of an institution (养老机构): everything they touch is scoped to their providerId. */
export async function requireInstitutionStaff(request: Request): Promise<InstitutionStaff> {
	const user = await requireRole(request, ['provider_staff'])
	if (!user.providerId) throw new Response('Your account is not linked to an institution.', { status: 403 })
	const provider = await prisma.provider.findUnique({ where: { id: user.providerId }, select: { kind: true, name: true, districtId: true, status: true } })
	if (!provider || provider.kind !== 'institution') throw new Response('Only institution staff manage beds.', { status: 403 })
	return { ...user, providerId: user.providerId, providerName: provider.name, districtId: provider.districtId, providerStatus: provider.status }
}
