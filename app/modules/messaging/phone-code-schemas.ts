// Forms that confirm a phone with an SMS code (registration, password reset). Pure: the pages
// validate with them in the browser too.
import { z } from 'zod'
import { consentBox } from '~/modules/accounts/privacy.ts'
import { nameSchema, passwordSchema, phoneSchema } from '~/modules/auth/schemas.ts'

export const smsCodeSchema = z
	.string({ error: 'errors.required' })
	.trim()
	.regex(/^\d{6}$/, 'errors.code.format')

export const sendCodeSchema = z.object({ phone: phoneSchema })

export const registerWithCodeSchema = z
	.object({
		name: nameSchema,
		phone: phoneSchema,
		code: smsCodeSchema,
		password: passwordSchema,
		confirmPassword: z.string({ error: 'errors.required' }),
		agreePrivacy: consentBox('errors.consent.privacyRequired'),
	})
	.refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'errors.password.mismatch' })

export const resetPasswordSchema = z
	.object({ phone: phoneSchema, code: smsCodeSchema, password: passwordSchema, confirmPassword: z.string({ error: 'errors.required' }) })
	.refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'errors.password.mismatch' })

/** Moving one's account to a new number: the number, its code, and the current password. */
export const changePhoneSchema = z.object({
	phone: phoneSchema,
	code: smsCodeSchema,
	password: z.string({ error: 'errors.required' }).min(1, 'errors.required').max(128, 'errors.password.tooLong'),
})
