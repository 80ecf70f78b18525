// Provider onboarding: an applicant registers a provider and its first staff account; a bureau
// officer of the provider's district approves or rejects it (with a reason). Grading (1–5) is by the
// checklist of app/modules/institutions/grading.server.ts.
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { pageWindow } from '~/lib/paging.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, isCityWide } from '~/modules/auth/access.server.ts'
import { hashPassword } from '~/modules/auth/password.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'
import type { applyProviderSchema, reviewProviderSchema, suspensionSchema } from './schemas.ts'

export async function applyAsProvider(input: z.infer<typeof applyProviderSchema>, ip: string | null): Promise<Outcome<{ userId: string; providerId: string }>> {
	const districts = await prisma.district.findMany({ where: { id: { in: [input.districtId, ...input.districtIds] } }, select: { id: true } })
	const known = new Set(districts.map((d) => d.id))
	if (!known.has(input.districtId)) return fieldFail('districtId', 'errors.district.unknown')
	if (input.districtIds.some((d) => !known.has(d))) return fieldFail('districtIds', 'errors.district.unknown')
	const served = [...new Set([input.districtId, ...input.districtIds])]
	const passwordHash = await hashPassword(input.password)
	try {
		return ok(
			await transaction(async (tx) => {
				const provider = await tx.provider.create({
					data: {
						name: input.providerName,
						kind: input.kind,
						licenceNo: input.licenceNo.toUpperCase(),
						districtId: input.districtId,
						address: input.address || null,
						phone: input.providerPhone || null,
						description: input.description || null,
						status: 'pending',
						districtsServed: { create: served.map((districtId) => ({ districtId })) },
						profile: { create: {} },
					},
					select: { id: true },
				})
				const user = await tx.user.create({
					// The applicant runs the provider's account: its first manager (invites and ends its other staff).
					data: { name: input.applicantName, phone: input.phone, passwordHash, role: 'provider_staff', providerId: provider.id, districtId: input.districtId, providerManager: true },
					select: { id: true },
				})
				await audit({ actor: { id: user.id, role: 'provider_staff' }, action: 'provider.apply', entityType: 'provider', entityId: provider.id, districtId: input.districtId, ip, details: { kind: input.kind, served } }, tx)
				return { userId: user.id, providerId: provider.id }
			}),
		)
	} catch (error) {
		return failureOf(error)
	}
}

function providerScope(user: SessionUser): Prisma.ProviderWhereInput {
	return isCityWide(user) ? {} : { districtId: user.districtId ?? '-' }
}

/** How many providers in the officer's scope wait for a decision on their application (the first tab of /bureau/providers). */
export async function countProvidersAwaitingReview(user: SessionUser) {
	return prisma.provider.count({ where: { AND: [providerScope(user), { status: 'pending' }] } })
}

export async function listProvidersForReview(user: SessionUser, opts: { status: 'pending' | 'approved' | 'rejected' | 'suspended'; page: number }) {
	const pageSize = 30
	const rows = await prisma.provider.findMany({
		where: { AND: [providerScope(user), { status: opts.status }] },
		orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
		...pageWindow(opts.page, pageSize),
		select: {
			id: true,
			name: true,
			kind: true,
			licenceNo: true,
			districtId: true,
			address: true,
			description: true,
			status: true,
			statusReason: true,
			grade: true,
			gradedAt: true,
			createdAt: true,
			district: { select: { nameZh: true, nameEn: true } },
			districtsServed: { select: { districtId: true, district: { select: { nameZh: true, nameEn: true } } } },
		},
	})
	const providers = rows.slice(0, pageSize)
	// Bookings still to be delivered: a suspension leaves them as they are, and the officer is told how many.
	const open =
		opts.status === 'approved' || opts.status === 'suspended'
			? await prisma.booking.groupBy({ by: ['providerId'], where: { providerId: { in: providers.map((p) => p.id) }, status: { in: ['requested', 'confirmed', 'in_service'] } }, _count: { _all: true } })
			: []
	const openCount = new Map(open.map((o) => [o.providerId, o._count._all]))
	return { hasMore: rows.length > pageSize, providers: providers.map((p) => ({ ...p, openBookings: openCount.get(p.id) ?? 0 })) }
}

type ReviewInput = z.infer<typeof reviewProviderSchema>

/** Approve or reject a pending provider; only an officer of its district (or city-wide). Audited. */
export async function reviewProvider(user: SessionUser, input: ReviewInput, ip: string | null): Promise<Outcome<{ id: string }>> {
	const provider = await prisma.provider.findUnique({ where: { id: input.providerId }, select: { id: true, districtId: true, status: true } })
	if (!provider || !canActInDistrict(user, provider.districtId) || user.role === 'community_officer') return fail('marketplace:errors.provider.notInScope', 403)
	const status = input.decision === 'approve' ? 'approved' : 'rejected'
	return transaction(async (tx) => {
		// Conditional on still pending: two officers deciding at once cannot both win.
		const changed = await tx.provider.updateMany({
			where: { id: provider.id, status: 'pending' },
			data: { status, statusReason: input.reason || null, reviewedById: user.id, reviewedAt: new Date() },
		})
		if (changed.count === 0) return fail('marketplace:errors.provider.alreadyReviewed', 409)
		await audit({ actor: user, action: `provider.${status === 'approved' ? 'approve' : 'reject'}`, entityType: 'provider', entityId: provider.id, districtId: provider.districtId, ip, details: { reason: input.reason } }, tx)
		await notify(tx, { providerId: provider.id }, status === 'approved' ? 'provider.approved' : 'provider.rejected', { sms: true,
			params: { reason: input.reason },
			dedupe: provider.id,
		})
		return ok({ id: provider.id })
	})
}

const SUSPENSION = {
	suspend: { from: 'approved', to: 'suspended', action: 'provider.suspend', notice: 'provider.suspended', conflict: 'marketplace:errors.provider.notApprovedToSuspend' },
	reinstate: { from: 'suspended', to: 'approved', action: 'provider.reinstate', notice: 'provider.reinstated', conflict: 'marketplace:errors.provider.notSuspended' },
} as const

/**
 * Suspends an approved provider (reason required) or reinstates a suspended one; the same officers
 * as approval: the bureau of the provider's home district, or city-wide. While suspended the
 * provider is out of search, its pages and booking; bookings already made are left as they are.
 * Conditional on the current status (two officers at once: one wins, the other gets 409). Audited,
 * and the provider's staff are told.
 */
export async function setProviderSuspension(user: SessionUser, input: z.infer<typeof suspensionSchema>, ip: string | null, now = new Date()): Promise<Outcome<{ id: string }>> {
	const provider = await prisma.provider.findUnique({ where: { id: input.providerId }, select: { id: true, districtId: true, status: true, statusReason: true } })
	if (!provider || !canActInDistrict(user, provider.districtId) || user.role === 'community_officer') return fail('marketplace:errors.provider.notInScope', 403)
	const step = SUSPENSION[input.intent]
	const reason = input.reason || null
	return transaction(async (tx) => {
		// Waits for bookings in flight that hold the provider row (FOR SHARE); later ones see the new status.
		const changed = await tx.provider.updateMany({ where: { id: provider.id, status: step.from }, data: { status: step.to, statusReason: input.intent === 'suspend' ? reason : null } })
		if (changed.count === 0) return fail(step.conflict, 409)
		await audit({ actor: user, action: step.action, entityType: 'provider', entityId: provider.id, districtId: provider.districtId, ip, details: { reason, from: step.from, to: step.to } }, tx)
		await notify(tx, { providerId: provider.id }, step.notice, { sms: true, params: { reason: reason ?? '' }, dedupe: `${provider.id}:${now.toISOString()}` })
		return ok({ id: provider.id })
	})
}

export async function listDistricts() {
	return prisma.district.findMany({ orderBy: { sortOrder: 'asc' }, select: { id: true, nameZh: true, nameEn: true } })
}
