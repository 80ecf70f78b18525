// Form schemas of accounts, safe for the browser (the staff form also validates as the user types):
// no server module may be imported here.
import { z } from 'zod'
import type { Role } from '~/generated/prisma/enums.ts'
import { nameSchema, phoneSchema, singleLineText } from '~/modules/auth/schemas.ts'

export const STAFF_ROLES = ['provider_staff', 'community_officer', 'township_officer', 'bureau_district', 'bureau_city', 'admin'] as const satisfies readonly Role[]

export const createStaffSchema = z
	.object({
		name: nameSchema,
		phone: phoneSchema,
		role: z.enum(STAFF_ROLES, { error: 'errors.role.invalid' }),
		districtId: singleLineText(40).optional(),
		communityId: singleLineText(40).optional(),
		townshipId: singleLineText(40).optional(),
		providerId: singleLineText(40).optional(),
	})
	.superRefine((v, ctx) => {
		if ((v.role === 'bureau_district' || v.role === 'community_officer' || v.role === 'township_officer') && !v.districtId) {
			ctx.addIssue({ code: 'custom', path: ['districtId'], message: 'errors.district.required' })
		}
		if (v.role === 'community_officer' && !v.communityId) ctx.addIssue({ code: 'custom', path: ['communityId'], message: 'errors.community.required' })
		if (v.role === 'township_officer' && !v.townshipId) ctx.addIssue({ code: 'custom', path: ['townshipId'], message: 'errors.township.required' })
		if (v.role === 'provider_staff' && !v.providerId) ctx.addIssue({ code: 'custom', path: ['providerId'], message: 'errors.provider.required' })
	})


/** An act on one staff account: who, and why (kept in the audit log). */
const staffAccountActSchema = z.object({
	userId: z.uuid({ error: 'errors.staff.unknown' }),
	reason: singleLineText(200).pipe(z.string().min(2, 'errors.staff.reason')),
})

/** Resetting a staff member's sign-in (a lost phone, a forgotten password, an expired invitation), or giving a deactivated account back. */
export const reinviteStaffSchema = staffAccountActSchema

/** Deactivating a staff account (the person left the post, moved, retired). */
export const deactivateStaffSchema = staffAccountActSchema

/** A provider's manager invites a member of the provider's own staff. */
export const inviteProviderStaffSchema = z.object({ name: nameSchema, phone: phoneSchema })

/** How a provider's manager is texted about new bookings (the BookingTexts enum of the database). */
export const BOOKING_TEXTS = ['each', 'daily', 'off'] as const
export type BookingTextsChoice = (typeof BOOKING_TEXTS)[number]

/** A provider's manager chooses how new bookings are texted to them. */
export const bookingTextsSchema = z.object({ bookingTexts: z.enum(BOOKING_TEXTS, { error: 'errors.bookingTexts.invalid' }) })
