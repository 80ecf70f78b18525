// The elder's home location (issue 11 item 4), captured once so that a caregiver's location check-in
// at the right place is not flagged 地点不符: from the family's phone at the address (here), or from
// the first visit whose check-in the family's code verified (marketplace/visits.server.ts).
import { z } from 'zod'
import { transaction } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { homeLocationSchema } from './schemas.ts'

/** A linked family records where the elder lives, standing at the address; it replaces an earlier capture (a move). */
export async function recordHomeLocation(user: SessionUser, elderId: string, input: z.infer<typeof homeLocationSchema>): Promise<Outcome<'recorded'>> {
	if (user.role !== 'family' || !z.uuid().safeParse(elderId).success) return fail('registry.errors.notFound', 404)
	return transaction(async (tx) => {
		const elder = await tx.elder.findFirst({ where: { id: elderId, families: { some: { userId: user.id } } }, select: { id: true, districtId: true, homeLocationSource: true } })
		if (!elder) return fail('registry.errors.notFound', 404)
		await tx.elder.update({ where: { id: elder.id }, data: { homeLat: input.lat, homeLng: input.lng, homeLocatedAt: new Date(), homeLocationSource: 'family_phone' }, select: { id: true } })
		// The coordinates stay out of the audit log: where someone lives is not for every auditor.
		await audit({ actor: user, action: 'elder.home_location', entityType: 'elder', entityId: elder.id, districtId: elder.districtId, details: { before: elder.homeLocationSource ?? null } }, tx)
		return ok('recorded' as const)
	})
}
