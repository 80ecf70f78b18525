import { z } from 'zod'
import { parseIdNumber, type IdNumberProblem } from '~/modules/identity/id-number.ts'
import { nameSchema } from '~/modules/auth/schemas.ts'

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
	})
}
