import { z } from 'zod'
import { hasNoControlChars, isSingleLine, MOBILE_NUMBER } from '~/lib/text.ts'

// Messages are i18n keys: the form translates them into the user's language.
export const phoneSchema = z
	.string({ error: 'errors.required' })
	.trim()
	.min(1, 'errors.required')
	.regex(MOBILE_NUMBER, 'errors.phone.invalid')

export const passwordSchema = z
	.string({ error: 'errors.required' })
	.min(8, 'errors.password.tooShort')
	.max(128, 'errors.password.tooLong')
	.refine((v) => /[A-Za-z]/.test(v) && /\d/.test(v), 'errors.password.weak')

// ---- bounded text (issue 12, item 5): every text field has a maximum length and refuses control
// characters; names refuse characters no name has.

// What counts as a control character: app/lib/text.ts.
export { hasNoControlChars, isSingleLine }
export const CONTROL_MESSAGE = 'errors.text.control'

/** A trimmed single-line text field of at most `max` characters. */
export function singleLineText(max: number, tooLong = 'errors.text.tooLong') {
	return z.string().trim().max(max, tooLong).refine(isSingleLine, CONTROL_MESSAGE)
}

/** A trimmed multi-line text field of at most `max` characters. */
export function multiLineText(max: number, tooLong = 'errors.text.tooLong') {
	return z.string().trim().max(max, tooLong).refine(hasNoControlChars, CONTROL_MESSAGE)
}

/**
 * A person's name: letters of any script (Han, Latin, Uyghur, Tibetan…) with their combining marks,
 * and the separators names use: a space, the middle dot of transliterated names (阿卜杜·热合曼, also
 * as "•" or "．"), a hyphen, an apostrophe, a full stop and the Tibetan tsheg. No digits, symbols,
 * emoji or controls.
 */
export const NAME_PATTERN = /^[\p{L}\p{M}]+(?:[ ·•．.'’\u0F0B-]+[\p{L}\p{M}]+)*[.\u0F0B]?$/u

export const nameSchema = z
	.string({ error: 'errors.required' })
	.trim()
	.min(1, 'errors.required')
	.max(40, 'errors.name.tooLong')
	.refine((v) => v.length === 0 || v.length > 40 || NAME_PATTERN.test(v.normalize('NFC')), 'errors.name.invalid')

export const loginSchema = z.object({
	phone: phoneSchema,
	password: z.string({ error: 'errors.required' }).min(1, 'errors.required').max(128, 'errors.password.tooLong'),
	redirectTo: z.string().max(2048).optional(),
})

export const registerSchema = z
	.object({
		name: nameSchema,
		phone: phoneSchema,
		password: passwordSchema,
		confirmPassword: z.string({ error: 'errors.required' }),
	})
	.refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'errors.password.mismatch' })

/** Only same-site relative paths, so a crafted link cannot send a user elsewhere after sign-in. */
export function safeRedirect(to: unknown, fallback = '/') {
	// Only a path on this site. Browsers drop tabs and newlines from URLs and read "\\" as "/", so
	// "/\t/evil.example" and "/\\evil.example" would leave the site: any control character or
	// backslash is refused, and what remains must resolve to this origin.
	if (typeof to !== 'string' || to.length > 2048 || !to.startsWith('/') || to.startsWith('//')) return fallback
	if ([...to].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')) return fallback
	const base = 'http://yiyang.invalid'
	let url: URL
	try {
		url = new URL(to, base)
	} catch {
		return fallback
	}
	if (url.origin !== base || url.pathname.startsWith('//')) return fallback
	return url.pathname + url.search + url.hash
}

/** Step-up: the password, or (for accounts with a second factor) a current TOTP code. */
export const reauthSchema = z
	.object({
		password: z.string().max(128, 'errors.password.tooLong').optional(),
		code: z.string().trim().max(32, 'errors.totp.invalid').optional(),
		redirectTo: z.string().max(2048).optional(),
	})
	.refine((v) => Boolean(v.password || v.code), { path: ['password'], message: 'errors.required' })

// ---- trust (issue 12): invitations, second factor, sessions

export const invitationSchema = z
	.object({ password: passwordSchema, confirmPassword: z.string({ error: 'errors.required' }).max(128) })
	.refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'errors.password.mismatch' })

/** A six-digit TOTP code or a recovery code (xxxxx-xxxxx); spaces are ignored. */
export const secondFactorSchema = z.object({
	code: z
		.string({ error: 'errors.required' })
		.trim()
		.min(1, 'errors.required')
		.max(32, 'errors.totp.invalid')
		.transform((v) => v.replace(/\s+/g, '')),
})

export const totpEnrolSchema = z.object({
	code: z
		.string({ error: 'errors.required' })
		.trim()
		.regex(/^\d{6}$/, 'errors.totp.format'),
})

export const endSessionSchema = z.object({ sessionId: z.uuid('errors.session.unknown').optional(), all: z.literal('others').optional() })

/** A second officer's decision on a pending change (allowance settings, subsidy policies). */
export const decideChangeSchema = z.object({
	changeId: z.uuid('errors.change.unknown'),
	decision: z.enum(['approve', 'reject'], { error: 'errors.change.decision' }),
	note: multiLineText(500, 'errors.tooLong').optional(),
})
