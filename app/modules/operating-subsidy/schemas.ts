import { z } from 'zod'
import { singleLineText } from '~/modules/auth/schemas.ts'

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/** The bureau asks for an ended month to be computed. */
export const requestMonthSchema = z.object({ month: z.string({ error: 'beds:operating.errors.month' }).trim().regex(MONTH, 'beds:operating.errors.month') })

/** A district review or a city approval of one statement. */
export const statementDecisionSchema = z.object({
	intent: z.enum(['review', 'approve'], { error: 'beds:operating.errors.outOfOrder' }),
	note: z.string().trim().max(500, 'beds:operating.errors.noteLong').optional().default(''),
})

/** ?month= on the bureau's list: a month, else the one that just ended. */
export const monthQuerySchema = z.string().regex(MONTH)

export const RATE_FEN_FIELDS = ['intactFen', 'mildFen', 'moderateFen', 'severeFen', 'completeFen', 'unassessedFen', 'tekunFen'] as const
export const RATE_BPS_FIELDS = ['grade1Bps', 'grade2Bps', 'grade3Bps', 'grade4Bps', 'grade5Bps', 'ungradedBps'] as const
export type RateValues = Record<(typeof RATE_FEN_FIELDS)[number] | (typeof RATE_BPS_FIELDS)[number], number>

/** Yuan with at most 2 decimals (0–1000) → fen. */
const yuan = z
	.string({ error: 'beds:operating.errors.rateYuan' })
	.trim()
	.regex(/^\d{1,4}(\.\d{1,2})?$/, 'beds:operating.errors.rateYuan')
	.transform((v) => {
		const [whole, frac = ''] = v.split('.')
		return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
	})
	.refine((fen) => fen <= 100_000, 'beds:operating.errors.rateYuan')
/** A factor with at most 4 decimals (0–5) → basis points. */
const factor = z
	.string({ error: 'beds:operating.errors.rateFactor' })
	.trim()
	.regex(/^\d(\.\d{1,4})?$/, 'beds:operating.errors.rateFactor')
	.transform((v) => {
		const [whole, frac = ''] = v.split('.')
		return Number(whole) * 10_000 + Number(frac.padEnd(4, '0'))
	})
	.refine((bps) => bps <= 50_000, 'beds:operating.errors.rateFactor')

/** A proposed rate version: rates in yuan per bed-day, grade factors as decimals. */
export const rateProposalSchema = z.object({
	effectiveMonth: z.string({ error: 'beds:operating.errors.month' }).trim().regex(MONTH, 'beds:operating.errors.month'),
	...Object.fromEntries(RATE_FEN_FIELDS.map((f) => [f, yuan])),
	...Object.fromEntries(RATE_BPS_FIELDS.map((f) => [f, factor])),
}) as unknown as z.ZodType<RateValues & { effectiveMonth: string }>

export const rateDecisionSchema = z.object({
	proposalId: z.string({ error: 'beds:operating.errors.notFound' }).min(1, 'beds:operating.errors.notFound'),
	decision: z.enum(['approve', 'reject'], { error: 'beds:operating.errors.outOfOrder' }),
	note: z.string().trim().max(500, 'beds:operating.errors.noteLong').optional().default(''),
})

/** A signed amount in yuan, at most 2 decimals (补发 positive, 扣减 negative) → fen; never zero. */
const signedYuan = z
	.string({ error: 'beds:operating.errors.adjustmentAmount' })
	.trim()
	.regex(/^[-+]?\d{1,6}(\.\d{1,2})?$/, 'beds:operating.errors.adjustmentAmount')
	.transform((v) => {
		const sign = v.startsWith('-') ? -1 : 1
		const [whole, frac = ''] = v.replace(/^[-+]/, '').split('.')
		return sign * (Number(whole) * 100 + Number(frac.padEnd(2, '0')))
	})
	.refine((fen) => fen !== 0, 'beds:operating.errors.adjustmentAmount')

/** A district officer's correction of an approved statement: the amount and why. */
export const adjustmentProposalSchema = z.object({
	intent: z.literal('adjust'),
	amount: signedYuan,
	reason: singleLineText(500, 'beds:operating.errors.noteLong').pipe(z.string().min(2, 'beds:operating.errors.adjustmentReason')),
})

/** A city officer's decision on the open correction of a statement (a rejection says why). */
export const adjustmentDecisionSchema = z.object({
	intent: z.literal('decide-adjustment'),
	adjustmentId: z.uuid({ error: 'beds:operating.errors.notFound' }),
	decision: z.enum(['approve', 'reject'], { error: 'beds:operating.errors.outOfOrder' }),
	note: z.string().trim().max(500, 'beds:operating.errors.noteLong').optional().default(''),
})
