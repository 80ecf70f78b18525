// Forms of the institution subsidies: acceptance inspection, construction application and its
// decisions, grading by checklist and its decision, and the two settings (rates, criteria).
import { z } from 'zod'
import { parseYuan } from '~/lib/money.ts'
import { multiLineText } from '~/modules/auth/schemas.ts'
import { GRADING_SECTIONS, type CriteriaItem } from './rules.ts'

const E = (k: string) => `beds:construction.errors.${k}`
const G = (k: string) => `beds:grading.errors.${k}`
const S = (k: string) => `beds:settings.errors.${k}`

export const isoDate = (message: string) =>
	z
		.string({ error: message })
		.regex(/^\d{4}-\d{2}-\d{2}$/, message)
		.refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), message)

const uuid = (message: string) => z.string({ error: message }).uuid(message)
/** One or more bed ids: a single checkbox arrives as a string, several as an array. */
const bedIds = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(uuid(E('bed'))).min(1, E('noBeds')).max(500, E('tooMany')))
const yuan = (message: string) =>
	z.string({ error: message }).transform((v, ctx) => {
		const fen = parseYuan(v)
		if (fen === null || fen > 100_000_000) {
			ctx.addIssue({ code: 'custom', message })
			return z.NEVER
		}
		return fen
	})

export function acceptanceSchema(today: string) {
	return z.object({
		providerId: uuid(E('provider')),
		inspectedOn: isoDate(E('date')).refine((d) => d <= today, E('futureDate')),
		bedIds,
		note: multiLineText(500).optional(),
	})
}

export const applySchema = z.object({ bedIds })

export const reviewSchema = z
	.object({
		applicationId: uuid(E('unknown')),
		decision: z.enum(['pass', 'reject'], { error: E('decision') }),
		note: multiLineText(500).optional(),
	})
	.refine((v) => v.decision !== 'reject' || !!v.note, { path: ['note'], message: E('reasonRequired') })

export const approveSchema = z
	.object({
		applicationId: uuid(E('unknown')),
		decision: z.enum(['approve', 'reject'], { error: E('decision') }),
		note: multiLineText(500).optional(),
	})
	.refine((v) => v.decision !== 'reject' || !!v.note, { path: ['note'], message: E('reasonRequired') })

/** The checklist form of one criteria version: a score for every item (`score_<key>`), all required. */
export function gradingSchema(items: readonly CriteriaItem[], today: string) {
	const scores = Object.fromEntries(
		items.map((item) => [
			`score_${item.key}`,
			z.coerce
				.number({ error: G('itemRequired') })
				.int(G('itemRange'))
				.min(0, G('itemRange'))
				.max(item.max, G('itemRange')),
		]),
	)
	return z.object({
		providerId: uuid(G('provider')),
		assessedOn: isoDate(G('date')).refine((d) => d <= today, G('futureDate')),
		note: multiLineText(500).optional(),
		...scores,
	})
}

export const gradingDecisionSchema = z
	.object({
		gradingId: uuid(G('unknown')),
		decision: z.enum(['approve', 'reject'], { error: G('decision') }),
		note: multiLineText(500).optional(),
	})
	.refine((v) => v.decision !== 'reject' || !!v.note, { path: ['note'], message: G('reasonRequired') })

export function rateSchema(today: string) {
	return z.object({
		effectiveFrom: isoDate(S('date')).refine((d) => d >= today, S('past')),
		selfCare: yuan(S('amount')),
		nursing: yuan(S('amount')),
		dementia: yuan(S('amount')),
	})
}

export function criteriaSchema(today: string) {
	return z.object({
		effectiveFrom: isoDate(S('date')).refine((d) => d >= today, S('past')),
		validityMonths: z.coerce.number({ error: S('validity') }).int(S('validity')).min(1, S('validity')).max(120, S('validity')),
		thresholds: z.array(z.coerce.number({ error: S('thresholds') }).int(S('thresholds')).min(0, S('thresholds'))).length(5, S('thresholds')),
		items: z
			.array(
				z.object({
					key: z.string().regex(/^[a-z0-9_]{1,40}$/, S('criteria')).optional(),
					section: z.enum(GRADING_SECTIONS, { error: S('section') }),
					zh: z.string().trim().max(100, 'errors.text.tooLong').optional(),
					en: z.string().trim().max(100, 'errors.text.tooLong').optional(),
					max: z.coerce.number({ error: S('max') }).int(S('max')).min(0, S('max')).max(100, S('max')).optional(),
				}),
			)
			.max(60, S('criteria')),
	})
}
