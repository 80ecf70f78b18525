// Forms of statuses (身份类别) and capability assessments, parsed on the server. Messages are keys of
// the `statuses` namespace; every problem names its field.
import { z } from 'zod'
import { isRealDate } from '~/lib/time.ts'

export const STATUS_KINDS = ['dibao', 'low_income', 'tekun', 'youfu', 'family_planning', 'severe_disability', 'empty_nest', 'living_alone'] as const
export type StatusKind = (typeof STATUS_KINDS)[number]

const date = (required: string) =>
	z
		.string({ error: required })
		.trim()
		.min(1, required)
		.refine(isRealDate, 'statuses:errors.date.invalid')
const optionalDate = z
	.string()
	.trim()
	.optional()
	.transform((v) => v || null)
	.refine((v) => v === null || isRealDate(v), 'statuses:errors.date.invalid')
const text = (max: number) =>
	z
		.string()
		.trim()
		.max(max, 'statuses:errors.tooLong')
		.optional()
		.transform((v) => v || null)

export const recordStatusSchema = z
	.object({
		kind: z.enum(STATUS_KINDS, { error: 'statuses:errors.kind' }),
		validFrom: date('statuses:errors.validFrom.required'),
		validUntil: optionalDate,
		reviewOn: optionalDate,
		source: z.string({ error: 'statuses:errors.source.required' }).trim().min(1, 'statuses:errors.source.required').max(120, 'statuses:errors.tooLong'),
		disabilityGrade: z
			.string()
			.trim()
			.optional()
			.transform((v) => v || null)
			.refine((v) => v === null || /^[1-4]$/.test(v), 'statuses:errors.disabilityGrade.range')
			.transform((v) => (v === null ? null : Number(v))),
		supportMode: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['concentrated', 'dispersed'], { error: 'statuses:errors.supportMode.invalid' }).optional()).transform((v) => v ?? null),
		note: text(500),
	})
	.superRefine((v, ctx) => {
		if (v.kind !== 'tekun' && v.supportMode !== null) ctx.addIssue({ code: 'custom', path: ['supportMode'], message: 'statuses:errors.supportMode.onlyTekun' })
		if (v.validUntil && v.validUntil < v.validFrom) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'statuses:errors.validUntil.beforeFrom' })
		if (v.reviewOn && v.reviewOn < v.validFrom) ctx.addIssue({ code: 'custom', path: ['reviewOn'], message: 'statuses:errors.reviewOn.beforeFrom' })
		if (v.kind === 'severe_disability' && v.disabilityGrade === null) ctx.addIssue({ code: 'custom', path: ['disabilityGrade'], message: 'statuses:errors.disabilityGrade.required' })
		if (v.kind !== 'severe_disability' && v.disabilityGrade !== null) ctx.addIssue({ code: 'custom', path: ['disabilityGrade'], message: 'statuses:errors.disabilityGrade.onlySevere' })
	})
export type RecordStatusInput = z.output<typeof recordStatusSchema>

export const endStatusSchema = z.object({
	statusId: z.uuid({ error: 'statuses:errors.status.unknown' }),
	endOn: date('statuses:errors.endOn.required'),
	reason: z.string({ error: 'statuses:errors.reason.required' }).trim().min(1, 'statuses:errors.reason.required').max(500, 'statuses:errors.tooLong'),
})
export type EndStatusInput = z.output<typeof endStatusSchema>

/** The assessment form: item scores arrive as `score.<itemId>`; the scale decides which items and ranges. */
export const assessmentSchema = z.object({
	assessedOn: date('statuses:errors.assessedOn.required'),
	validMonths: z
		.string()
		.trim()
		.optional()
		.transform((v) => v || '12')
		.refine((v) => /^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 24, 'statuses:errors.validMonths.range')
		.transform(Number),
	coma: z
		.string()
		.optional()
		.transform((v) => v === 'on' || v === 'true'),
	diagnosis: z
		.string()
		.optional()
		.transform((v) => v === 'on' || v === 'true'),
	riskEvents: z
		.string()
		.trim()
		.optional()
		.transform((v) => v || '0')
		.refine((v) => /^\d{1,2}$/.test(v), 'statuses:errors.riskEvents.range')
		.transform(Number),
	note: text(500),
})
export type AssessmentFormInput = z.output<typeof assessmentSchema>

export const reassessmentRequestSchema = z.object({
	reason: z.string({ error: 'statuses:errors.reason.required' }).trim().min(1, 'statuses:errors.reason.required').max(500, 'statuses:errors.tooLong'),
})
