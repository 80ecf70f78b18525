// The bureau registers assessment organisations (the districts each may assess in), invites their
// assessors (an invitation link, as for staff: the bureau never knows the password), and allows the
// officers of a community to assess. District officers act within their district; city officers anywhere.
import { z } from 'zod'
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { INVITED_PASSWORD_HASH, newInvitationToken } from '~/modules/accounts/invitations.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import { CONTROL_MESSAGE, isSingleLine } from '~/modules/auth/schemas.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

const mayManage = (user: SessionUser) => user.role === 'bureau_city' || user.role === 'bureau_district' || user.role === 'admin'

export const registerOrgSchema = z.object({
	name: z.string({ error: 'statuses:orgs.errors.name' }).trim().min(2, 'statuses:orgs.errors.name').max(80, 'statuses:errors.tooLong').refine(isSingleLine, CONTROL_MESSAGE),
	licenceNo: z.string({ error: 'statuses:orgs.errors.licenceNo' }).trim().min(2, 'statuses:orgs.errors.licenceNo').max(40, 'statuses:errors.tooLong').refine(isSingleLine, CONTROL_MESSAGE),
	// District ids are short codes ('dongbao'); anything else is not a district (a NUL byte here was a 500).
	districtIds: z.preprocess((v) => (Array.isArray(v) ? v : v ? [v] : []), z.array(z.string().regex(/^[a-z0-9_-]{1,40}$/, 'errors.district.unknown')).min(1, 'statuses:orgs.errors.districts')),
})
export const inviteAssessorSchema = z.object({
	orgId: z.uuid({ error: 'statuses:orgs.errors.org' }),
	name: z.string({ error: 'errors.required' }).trim().min(1, 'errors.required').max(40, 'errors.name.tooLong'),
	phone: z.string({ error: 'errors.required' }).trim().regex(/^1[3-9]\d{9}$/, 'errors.phone.invalid'),
})
export const permitSchema = z.object({ communityId: z.uuid({ error: 'errors.community.unknown' }), allow: z.enum(['yes', 'no']) })

export async function registerOrg(user: SessionUser, input: z.infer<typeof registerOrgSchema>, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (!mayManage(user)) return fail('statuses:errors.officersOnly', 403)
	const known = await prisma.district.findMany({ where: { id: { in: input.districtIds } }, select: { id: true } })
	if (known.length !== new Set(input.districtIds).size) return fieldFail('districtIds', 'errors.district.unknown')
	if (!isCityWide(user) && input.districtIds.some((d) => d !== user.districtId)) return fieldFail('districtIds', 'errors.district.outOfScope', 403)
	try {
		const org = await transaction(async (tx) => {
			const row = await tx.assessmentOrg.create({ data: { name: input.name, licenceNo: input.licenceNo, districtIds: [...new Set(input.districtIds)], createdById: user.id }, select: { id: true } })
			await audit({ actor: user, action: 'assessment.org_register', entityType: 'assessment_org', entityId: row.id, districtId: user.districtId, ip, details: input }, tx)
			return row
		})
		return ok(org)
	} catch (error) {
		return failureOf(error)
	}
}

export async function inviteAssessor(user: SessionUser, input: z.infer<typeof inviteAssessorSchema>, ip: string | null): Promise<Outcome<{ id: string; invitePath: string }>> {
	if (!mayManage(user)) return fail('statuses:errors.officersOnly', 403)
	const org = await prisma.assessmentOrg.findUnique({ where: { id: input.orgId }, select: { id: true, districtIds: true, active: true } })
	if (!org || !org.active) return fieldFail('orgId', 'statuses:orgs.errors.org')
	if (!isCityWide(user) && !org.districtIds.includes(user.districtId ?? '-')) return fieldFail('orgId', 'errors.district.outOfScope', 403)
	const invitation = newInvitationToken()
	try {
		const created = await transaction(async (tx) => {
			const row = await tx.user.create({ data: { name: input.name, phone: input.phone, passwordHash: INVITED_PASSWORD_HASH, role: 'assessor', districtId: org.districtIds[0] ?? null, assessmentOrgId: org.id, createdById: user.id }, select: { id: true } })
			await tx.userInvitation.create({ data: { userId: row.id, tokenHash: invitation.hash, expiresAt: invitation.expiresAt, createdById: user.id } })
			await audit({ actor: user, action: 'account.invite_staff', entityType: 'user', entityId: row.id, districtId: user.districtId, ip, details: { role: 'assessor', orgId: org.id } }, tx)
			return row
		})
		return ok({ id: created.id, invitePath: `/invite/${invitation.token}` })
	} catch (error) {
		return failureOf(error)
	}
}

export async function setCommunityPermit(user: SessionUser, input: z.infer<typeof permitSchema>, ip: string | null): Promise<Outcome<{ communityId: string }>> {
	if (!mayManage(user)) return fail('statuses:errors.officersOnly', 403)
	const community = await prisma.community.findUnique({ where: { id: input.communityId }, select: { id: true, districtId: true } })
	if (!community) return fieldFail('communityId', 'errors.community.unknown')
	if (!isCityWide(user) && community.districtId !== user.districtId) return fieldFail('communityId', 'errors.district.outOfScope', 403)
	await transaction(async (tx) => {
		if (input.allow === 'yes') await tx.assessmentCommunityPermit.upsert({ where: { communityId: community.id }, create: { communityId: community.id, allowedById: user.id }, update: {} })
		else await tx.assessmentCommunityPermit.deleteMany({ where: { communityId: community.id } })
		await audit({ actor: user, action: 'assessment.permit', entityType: 'community', entityId: community.id, districtId: community.districtId, ip, details: { allow: input.allow } }, tx)
	})
	return ok({ communityId: community.id })
}

/** The page's data: organisations with their assessors, and the communities in scope with whether their officers may assess. */
export async function assessmentOrgsPage(user: SessionUser) {
	const districtFilter = isCityWide(user) ? {} : { districtId: user.districtId ?? '-' }
	const orgs = await prisma.assessmentOrg.findMany({
		where: isCityWide(user) ? {} : { districtIds: { has: user.districtId ?? '-' } },
		orderBy: { createdAt: 'asc' },
		select: { id: true, name: true, licenceNo: true, districtIds: true, active: true, users: { select: { id: true, name: true, phone: true } } },
	})
	// The form offers the officer's districts; an organisation's coverage is named in full.
	const allDistricts = await prisma.district.findMany({ orderBy: { sortOrder: 'asc' }, select: { id: true, nameZh: true } })
	const districts = isCityWide(user) ? allDistricts : allDistricts.filter((d) => d.id === user.districtId)
	const permits = await prisma.assessmentCommunityPermit.findMany({ select: { communityId: true } })
	const communities = await prisma.community.findMany({ where: { ...districtFilter, retiredAt: null }, orderBy: [{ districtId: 'asc' }, { nameZh: 'asc' }], take: 500, select: { id: true, nameZh: true, districtId: true } })
	const allowed = new Set(permits.map((p) => p.communityId))
	return { orgs, districts, districtNames: Object.fromEntries(allDistricts.map((d) => [d.id, d.nameZh])), communities: communities.map((c) => ({ ...c, allowed: allowed.has(c.id) })) }
}
