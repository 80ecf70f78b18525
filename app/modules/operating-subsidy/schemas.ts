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
