import { z } from 'zod'
import { parseIdNumber, type IdNumberProblem } from '~/modules/identity/id-number.ts'
import { consentBox } from '~/modules/accounts/privacy.ts'
import { nameSchema } from '~/modules/auth/schemas.ts'
import { RETENTION_YEAR_CHOICES } from './retention-rules.ts'

export const RELATIONSHIPS = ['child', 'spouse', 'grandchild', 'sibling', 'guardian', 'other'] as const

export const ID_PROBLEM_MESSAGES: Record<IdNumberProblem, string> = {
	required: 'errors.required',
	length: 'errors.idNumber.length',
	format: 'errors.idNumber.format',
	region: 'errors.idNumber.region',
	birthDate: 'errors.idNumber.birthDate',
	futureBirthDate: 'errors.idNumber.futureBirthDate',
	checksum: 'errors.idNumber.checksum',
}

export const MIN_ELDER_AGE = 60

/** The add-elder form; `today` is the Shanghai date so a birth date in the future is caught. */
export function addElderSchema(today: string) {
	return z.object({
		idNumber: z
			.string({ error: 'errors.required' })
			.transform((value, ctx) => {
				const parsed = parseIdNumber(value, { today })
				if (!parsed.ok) {
					ctx.addIssue({ code: 'custom', message: ID_PROBLEM_MESSAGES[parsed.problem] })
					return z.NEVER
				}
				return parsed
			}),
		name: nameSchema,
		relationship: z.enum(RELATIONSHIPS, { error: 'errors.relationship.invalid' }),
		districtId: z.string({ error: 'errors.district.required' }).trim().min(1, 'errors.district.required').max(40, 'errors.district.required'),
		communityId: z.string({ error: 'errors.community.required' }).trim().min(1, 'errors.community.required').max(40, 'errors.community.required'),
		// A separate consent for the elder's sensitive information (PIPL art. 29): modules/accounts/privacy.ts.
		elderConsent: consentBox('errors.consent.elderRequired'),
	})
}

// ---------------------------------------------------------------- registry: officers register, edit, verify, link

const optionalPhone = (empty: string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((v) => v || null)
		.pipe(z.string().regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, empty).nullable())
const optionalName = z
	.string()
	.trim()
	.max(40, 'errors.name.tooLong')
	.optional()
	.transform((v) => v || null)

/** The registered residence (户籍): district and community (the community belongs to one township). */
const residence = {
	districtId: z.string({ error: 'errors.district.required' }).trim().min(1, 'errors.district.required'),
	communityId: z.string({ error: 'errors.community.required' }).trim().min(1, 'errors.community.required'),
}

/** Contact details an officer records; the emergency contact's phone goes with a name. */
const contacts = {
	phone: optionalPhone('registry.errors.phone'),
	emergencyContactName: optionalName,
	emergencyContactPhone: optionalPhone('registry.errors.emergencyPhone'),
}
/** Runs even when another field failed, so every problem of the form is named at once. */
const always = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null }
function contactsComplete(v: { emergencyContactName: string | null; emergencyContactPhone: string | null }, ctx: z.RefinementCtx) {
	if (v.emergencyContactName && !v.emergencyContactPhone) ctx.addIssue({ code: 'custom', path: ['emergencyContactPhone'], message: 'registry.errors.emergencyPhoneRequired' })
	if (v.emergencyContactPhone && !v.emergencyContactName) ctx.addIssue({ code: 'custom', path: ['emergencyContactName'], message: 'registry.errors.emergencyNameRequired' })
}

const idNumberField = (today: string) =>
	z.string({ error: 'errors.required' }).transform((value, ctx) => {
		const parsed = parseIdNumber(value, { today })
		if (!parsed.ok) {
			ctx.addIssue({ code: 'custom', message: ID_PROBLEM_MESSAGES[parsed.problem] })
			return z.NEVER
		}
		return parsed
	})

/** An officer registers an elder (no family needed). */
export function registerElderSchema(today: string) {
	return z.object({ idNumber: idNumberField(today), name: nameSchema, ...residence, ...contacts }).superRefine(contactsComplete, always)
}

/** An officer edits an elder; `version` is the one the form was loaded with. */
export const editElderSchema = z
	.object({
		version: z.coerce.number({ error: 'registry.errors.version' }).int('registry.errors.version').min(1, 'registry.errors.version'),
		name: nameSchema,
		...residence,
		...contacts,
	})
	.superRefine(contactsComplete, always)

/** The officer's decision on a registered residence a family gave; a refusal says why (the family reads it). */
export const verifyResidenceSchema = z
	.object({
		decision: z.enum(['verify', 'reject'], { error: 'registry.errors.decision' }),
		note: z.string().trim().max(200, 'registry.errors.noteLong').optional(),
	})
	.superRefine((v, ctx) => {
		if (v.decision === 'reject' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'registry.errors.noteRequired' })
	})

/** Link a family account (by its phone) to an elder. */
export const linkFamilySchema = z.object({
	phone: z.string({ error: 'errors.required' }).trim().min(1, 'errors.required').regex(/^1[3-9]\d{9}$/, 'errors.phone.invalid'),
	relationship: z.enum(RELATIONSHIPS, { error: 'errors.relationship.invalid' }),
})

export const unlinkFamilySchema = z.object({ userId: z.uuid({ error: 'registry.errors.family' }) })

export type RegisterElderInput = z.infer<ReturnType<typeof registerElderSchema>>
export type EditElderInput = z.infer<typeof editElderSchema>
export type VerifyResidenceInput = z.infer<typeof verifyResidenceSchema>
export type LinkFamilyInput = z.infer<typeof linkFamilySchema>

/** An officer confirms or refuses a family's claim on an elder; refusing needs a reason the family reads. */
export const decideClaimSchema = z
	.object({
		claimId: z.uuid({ error: 'registry.errors.notFound' }),
		decision: z.enum(['confirm', 'refuse'], { error: 'registry.errors.decision' }),
		reason: z.string().trim().max(200, 'registry.errors.noteLong').optional(),
	})
	.superRefine((v, ctx) => {
		if (v.decision === 'refuse' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'registry.errors.noteRequired' })
	})
export type Relationship = (typeof RELATIONSHIPS)[number]
export type DecideClaimInput = z.infer<typeof decideClaimSchema>

/** The family's phone at the elder's home: its location becomes the elder's home location. */
export const homeLocationSchema = z.object({
	lat: z.coerce.number({ error: 'elders.home.noLocation' }).min(-90, 'elders.home.noLocation').max(90, 'elders.home.noLocation'),
	lng: z.coerce.number({ error: 'elders.home.noLocation' }).min(-180, 'elders.home.noLocation').max(180, 'elders.home.noLocation'),
})

/** The bureau's period for deceased elders' identity numbers (identity-retention.server.ts): whole years within the bounds, or `keep` (never erased). */
export const retentionSchema = z.object({
	deceasedYears: z.enum(['keep', ...RETENTION_YEAR_CHOICES], { error: 'retention.errors.years' }).transform((v) => (v === 'keep' ? null : Number(v))),
})
