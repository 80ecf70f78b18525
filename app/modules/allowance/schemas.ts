import { z } from 'zod'
import { parseYuan } from '~/lib/money.ts'
import { parseCardNumber } from './card.ts'
import { isMonth, RECOVERY_METHODS } from './rules.ts'
import { CONTROL_MESSAGE, hasNoControlChars, isSingleLine } from '~/modules/auth/schemas.ts'
import { isRealDate } from '~/lib/time.ts'

export const LIVENESS_METHODS = ['face_recognition', 'home_visit', 'in_person', 'video_call'] as const

const month = z.string({ error: 'allowance:errors.month.required' }).trim().refine(isMonth, 'allowance:errors.month.invalid')

export const startRunSchema = z.object({ month })

export const rejectRunSchema = z.object({
	reason: z.string({ error: 'allowance:errors.reason.required' }).trim().min(2, 'allowance:errors.reason.required').max(500, 'allowance:errors.reason.tooLong').refine(hasNoControlChars, CONTROL_MESSAGE),
})

const yuan = z
	.string({ error: 'allowance:errors.amount.required' })
	.trim()
	.transform((v, ctx) => {
		const fen = parseYuan(v)
		if (fen === null || fen <= 0 || fen > 10_000_000) {
			ctx.addIssue({ code: 'custom', message: 'allowance:errors.amount.invalid' })
			return z.NEVER
		}
		return fen
	})

export const settingsSchema = z.object({
	effectiveMonth: month,
	tier80: yuan,
	tier90: yuan,
	tier100: yuan,
	livenessWindowMonths: z.coerce.number({ error: 'allowance:errors.window.invalid' }).int('allowance:errors.window.invalid').min(1, 'allowance:errors.window.invalid').max(120, 'allowance:errors.window.invalid'),
	backPayAllowed: z.enum(['yes', 'no'], { error: 'allowance:errors.backPay.required' }),
})

export function livenessSchema(today: string) {
	return z.object({
		certifiedOn: z
			.string({ error: 'allowance:errors.date.required' })
			.trim()
			.regex(/^\d{4}-\d{2}-\d{2}$/, 'allowance:errors.date.invalid')
			.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d, 'allowance:errors.date.invalid')
			.refine((d) => d <= today, 'allowance:errors.date.future'),
		method: z.enum(LIVENESS_METHODS, { error: 'allowance:errors.method.required' }),
	})
}

/**
 * The subsidy card as typed (spaces between groups allowed): 16 to 19 digits, Luhn-checked when it is
 * a payment card (card.ts says which), with its bank and account holder (blank: the elder's name).
 */
export const cardRefSchema = z.object({
	cardNumber: z.string({ error: 'allowance:errors.card.required' }).transform((v, ctx) => {
		const r = parseCardNumber(v)
		if (!r.ok) {
			ctx.addIssue({ code: 'custom', message: `allowance:errors.card.${r.problem}` })
			return z.NEVER
		}
		return r.value
	}),
	bankName: z.string({ error: 'allowance:errors.card.bankRequired' }).trim().min(2, 'allowance:errors.card.bankRequired').max(40, 'allowance:errors.card.bankTooLong'),
	holderName: z.string().trim().max(40, 'allowance:errors.card.holderTooLong').optional().default(''),
})

// ---------------------------------------------------------------- recoveries (payments after death)

const paymentId = z.uuid('allowance:recoveries.errors.unknown')
const day = z
	.string({ error: 'allowance:recoveries.errors.settledOn' })
	.trim()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'allowance:recoveries.errors.settledOn')
	.refine(isRealDate, 'allowance:recoveries.errors.settledOn')

/** Yuan with at most two decimals, more than 0 (the module checks it is at most what remains): fen. */
const recoveredAmount = z
	.string({ error: 'allowance:recoveries.errors.amount' })
	.trim()
	.transform((v, ctx) => {
		const fen = parseYuan(v)
		if (fen === null || fen <= 0 || fen > 100_000_000) {
			ctx.addIssue({ code: 'custom', message: 'allowance:recoveries.errors.amount' })
			return z.NEVER
		}
		return fen
	})

export const recoverySchema = z.object({
	intent: z.literal('recover'),
	paymentId,
	// The key the page gave this form: the same form sent twice records once.
	idempotencyKey: z.string({ error: 'allowance:recoveries.errors.formExpired' }).regex(/^[A-Za-z0-9_-]{16,64}$/, 'allowance:recoveries.errors.formExpired'),
	amount: recoveredAmount,
	method: z.enum(RECOVERY_METHODS, { error: 'allowance:recoveries.errors.method' }),
	reference: z.string({ error: 'allowance:recoveries.errors.reference' }).trim().min(2, 'allowance:recoveries.errors.reference').max(100, 'allowance:recoveries.errors.reference').refine(isSingleLine, CONTROL_MESSAGE),
	settledOn: day,
})

export const waiverSchema = z.object({
	intent: z.literal('waive'),
	paymentId,
	reason: z.string({ error: 'allowance:recoveries.errors.reason' }).trim().min(5, 'allowance:recoveries.errors.reason').max(500, 'allowance:recoveries.errors.reason').refine(hasNoControlChars, CONTROL_MESSAGE),
})
