// Centre attendance test data: an approved community centre with a day-care offering open every
// day, its staff, and a family whose elder holds a day-care subsidy grant with this month's credit.
import { prisma } from '~/lib/db.server.ts'
import type { ServiceCategory } from '~/generated/prisma/enums.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import { makeUser, sessionUser } from './accounts.ts'
import { Rng } from './index.ts'
import { elderWithCredit } from './subsidies.ts'

const rng = new Rng(`centre-${process.pid}-${Date.now()}`)

export async function makeCentre(opts: { kind?: 'community_centre' | 'institution'; category?: ServiceCategory; priceFen?: number } = {}) {
	const n = `${process.pid}${rng.int(0, 1e6)}`
	const provider = await prisma.provider.create({
		data: {
			name: `测试社区日间照料中心${n}`,
			kind: opts.kind ?? 'community_centre',
			licenceNo: `C-${n}-${rng.int(100000, 999999)}`,
			districtId: 'dongbao',
			phone: '0724-7654321',
			status: 'approved',
			districtsServed: { create: { districtId: 'dongbao' } },
			profile: { create: { autoConfirm: true } },
			offerings: {
				create: {
					category: opts.category ?? 'day_care',
					title: '日间照料（测试）',
					priceFen: opts.priceFen ?? 10_000,
					unit: 'day',
					durationMinutes: 480,
					districtIds: ['dongbao'],
					rules: { create: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 8 * 60, endMinute: 17 * 60, capacity: 20 })) },
				},
			},
		},
		select: { id: true, offerings: { select: { id: true } } },
	})
	const staff = await makeUser({ role: 'provider_staff', name: '中心工作人员', districtId: 'dongbao', providerId: provider.id })
	return { providerId: provider.id, offeringId: provider.offerings[0]!.id, staff }
}

/** A family whose new elder holds a grant covering `category` (20% co-pay) with this month's credit. */
export async function familyWithGrant(category: ServiceCategory, tag: string) {
	const user = await makeUser({ role: 'family' })
	const { elderId, grantId } = await elderWithCredit(user.phone, tag)
	const grant = await prisma.subsidyGrant.findUniqueOrThrow({ where: { id: grantId }, select: { policyVersionId: true } })
	await prisma.subsidyPolicyVersion.update({ where: { id: grant.policyVersionId }, data: { coveredCategories: [category] } })
	return { family: await sessionUser(user.phone), elderId }
}

/** Books the centre's offering at 08:00 Shanghai three days ahead (auto-confirmed), subsidised. */
export async function centreBooking(family: SessionUser, elderId: string, offeringId: string, priceFen = 10_000) {
	const startsAt = new Date(`${new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)}T08:00:00+08:00`)
	const made = await createBooking(family, offeringId, { elderId, startsAt: startsAt.toISOString(), expectedPriceFen: priceFen, expectedCopayFen: priceFen / 5, serviceAddress: '', note: '', idempotencyKey: `centre-${process.pid}-${rng.int(0, 1e9)}-aaaaaaaa` })
	if (!made.ok) throw new Error(`booking failed: ${JSON.stringify(made)}`)
	return prisma.booking.findUniqueOrThrow({ where: { id: made.value.bookingId }, select: { id: true, status: true, startsAt: true, endsAt: true, visitCode: true, subsidyFen: true } })
}
