import { z } from 'zod'

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
