// The forms of the rights requests: a family files one, an officer decides it.
import { z } from 'zod'
import { multiLineText } from '~/modules/auth/schemas.ts'
import { RIGHTS_KINDS, RIGHTS_TEXT_MAX } from './rules.ts'

const text = () => multiLineText(RIGHTS_TEXT_MAX, 'rights.errors.tooLong').optional()

/** Filing: the elder, the kind and, for a correction or a deletion, what the officer needs to act. */
export const fileRightsRequestSchema = z
	.object({
		intent: z.literal('file'),
		elderId: z.uuid({ error: 'rights.errors.elder' }),
		kind: z.enum(RIGHTS_KINDS, { error: 'rights.errors.kind' }),
		wrongInfo: text(),
		correctInfo: text(),
		reason: text(),
	})
	.superRefine((v, ctx) => {
		if (v.kind === 'correction' && !v.wrongInfo) ctx.addIssue({ code: 'custom', path: ['wrongInfo'], message: 'rights.errors.wrongInfoRequired' })
		if (v.kind === 'correction' && !v.correctInfo) ctx.addIssue({ code: 'custom', path: ['correctInfo'], message: 'rights.errors.correctInfoRequired' })
		if (v.kind === 'deletion' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'rights.errors.reasonRequired' })
	})
	// Only the details of the kind chosen are kept (a form sent without JavaScript has every box).
	.transform((v) => ({
		elderId: v.elderId,
		kind: v.kind,
		wrongInfo: v.kind === 'correction' ? (v.wrongInfo ?? null) : null,
		correctInfo: v.kind === 'correction' ? (v.correctInfo ?? null) : null,
		reason: v.kind === 'deletion' ? (v.reason ?? null) : null,
	}))
export type FileRightsRequestInput = z.output<typeof fileRightsRequestSchema>

/** Deciding: fulfilled (with the reply) or refused (with the reasons, PIPL art. 50). */
export const decideRightsRequestSchema = z
	.object({
		requestId: z.uuid({ error: 'rights.errors.notFound' }),
		decision: z.enum(['fulfil', 'refuse'], { error: 'rights.errors.decision' }),
		answer: text(),
	})
	.superRefine((v, ctx) => {
		if (v.decision === 'refuse' && !v.answer) ctx.addIssue({ code: 'custom', path: ['answer'], message: 'rights.errors.refusalReason' })
	})
export type DecideRightsRequestInput = z.output<typeof decideRightsRequestSchema>

/** A family member takes back its own open request. */
export const withdrawRightsRequestSchema = z.object({
	intent: z.literal('withdraw'),
	requestId: z.uuid({ error: 'rights.errors.notFound' }),
})
export type WithdrawRightsRequestInput = z.output<typeof withdrawRightsRequestSchema>
