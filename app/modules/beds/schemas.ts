import { z } from 'zod'
import { parseIdNumber } from '~/modules/identity/id-number.ts'
import { ID_PROBLEM_MESSAGES } from '~/modules/elders/schemas.ts'
import { parseYuan } from '~/lib/money.ts'
import { CONTROL_MESSAGE, hasNoControlChars, isSingleLine, multiLineText } from '~/modules/auth/schemas.ts'

export const BED_TYPES = ['self_care', 'nursing', 'dementia'] as const
export const BED_STATUSES = ['vacant', 'reserved', 'occupied', 'out_of_service'] as const
export const END_REASONS = ['discharged', 'deceased', 'other'] as const
export type BedTypeName = (typeof BED_TYPES)[number]

const date = (message = 'beds:errors.date') => z.string({ error: message }).regex(/^\d{4}-\d{2}-\d{2}$/, message).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), message)
const uuid = (message: string) => z.string({ error: message }).uuid(message)

export const roomSchema = z.object({
	intent: z.literal('room'),
	name: z.string({ error: 'errors.required' }).trim().min(1, 'errors.required').max(40, 'beds:errors.tooLong').refine(isSingleLine, CONTROL_MESSAGE),
	floor: z.coerce.number({ error: 'beds:errors.floor' }).int('beds:errors.floor').min(-5, 'beds:errors.floor').max(99, 'beds:errors.floor').optional(),
})

export const addBedsSchema = z.object({
	intent: z.literal('beds'),
	roomId: uuid('beds:errors.room.required'),
	type: z.enum(BED_TYPES, { error: 'beds:errors.bedType' }),
	// A negative or zero count is refused here; more than 50 at once is a typing error.
	count: z.coerce.number({ error: 'beds:errors.count' }).int('beds:errors.count').min(1, 'beds:errors.count').max(50, 'beds:errors.count'),
	price: z
		.string({ error: 'beds:errors.price' })
		.transform((v, ctx) => {
			const fen = parseYuan(v)
			if (fen === null) {
				ctx.addIssue({ code: 'custom', message: 'beds:errors.price' })
				return z.NEVER
			}
			return fen
		}),
})

export const updateBedSchema = z.object({
	intent: z.literal('update'),
	bedId: uuid('beds:errors.bed.required'),
	type: z.enum(BED_TYPES, { error: 'beds:errors.bedType' }),
	price: addBedsSchema.shape.price,
})

export const bedStatusSchema = z
	.object({
		intent: z.literal('status'),
		bedId: uuid('beds:errors.bed.required'),
		status: z.enum(['vacant', 'out_of_service'], { error: 'beds:errors.status' }),
		// Taking a bed out of service is asked twice: a ticked box, so it works without JavaScript.
		confirm: z.string().optional(),
	})
	.superRefine((v, ctx) => {
		if (v.status === 'out_of_service' && v.confirm !== 'on') ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'beds:errors.confirmTakeOut' })
	})

export function admitSchema(today: string) {
	return z.object({
		intent: z.literal('admit'),
		idNumber: z.string({ error: 'errors.required' }).transform((value, ctx) => {
			const parsed = parseIdNumber(value, { today })
			if (!parsed.ok) {
				ctx.addIssue({ code: 'custom', message: ID_PROBLEM_MESSAGES[parsed.problem] })
				return z.NEVER
			}
			return parsed.value
		}),
		bedId: uuid('beds:errors.bed.required'),
		admittedOn: date().refine((d) => d <= today, 'beds:errors.futureDate'),
		stayRequestId: z.string().uuid().optional(),
	})
}

export function transferSchema(today: string) {
	return z.object({
		intent: z.literal('transfer'),
		admissionId: uuid('beds:errors.admission.required'),
		bedId: uuid('beds:errors.bed.required'),
		on: date().refine((d) => d <= today, 'beds:errors.futureDate'),
	})
}

export function dischargeSchema(today: string) {
	return z.object({
		intent: z.literal('discharge'),
		admissionId: uuid('beds:errors.admission.required'),
		on: date().refine((d) => d <= today, 'beds:errors.futureDate'),
		reason: z.enum(END_REASONS, { error: 'beds:errors.endReason' }),
		note: multiLineText(200, 'beds:errors.tooLong').optional(),
	})
}

export function stayRequestSchema(today: string) {
	return z.object({
		elderId: uuid('beds:errors.elder.required'),
		providerId: uuid('beds:errors.institution.required'),
		bedType: z.enum(BED_TYPES, { error: 'beds:errors.bedType' }),
		desiredStartOn: date().refine((d) => d >= today, 'beds:errors.pastDate'),
		note: multiLineText(200, 'beds:errors.tooLong').optional(),
	})
}

export const decideSchema = z.discriminatedUnion('intent', [
	z.object({ intent: z.literal('accept'), requestId: uuid('beds:errors.request.required'), bedId: uuid('beds:errors.bed.required') }),
	z.object({ intent: z.literal('decline'), requestId: uuid('beds:errors.request.required'), reason: z.string({ error: 'beds:errors.reason' }).trim().min(2, 'beds:errors.reason').max(200, 'beds:errors.tooLong').refine(hasNoControlChars, CONTROL_MESSAGE) }),
])

export const populationSchema = z.object({
	districtId: z.string({ error: 'errors.district.required' }).trim().min(1, 'errors.district.required').max(40, 'errors.district.required'),
	year: z.coerce.number({ error: 'beds:errors.year' }).int('beds:errors.year').min(2000, 'beds:errors.year').max(2100, 'beds:errors.year'),
	aged60Plus: z.coerce.number({ error: 'beds:errors.population.positive' }).int('beds:errors.population.positive').positive('beds:errors.population.positive').max(10_000_000, 'beds:errors.population.tooLarge'),
	aged80Plus: z.coerce.number({ error: 'beds:errors.population.aged80' }).int('beds:errors.population.aged80').min(0, 'beds:errors.population.aged80'),
}).refine((v) => v.aged80Plus <= v.aged60Plus, { path: ['aged80Plus'], message: 'beds:errors.population.aged80MoreThan60' })

/** Shares are entered as percentages (55 for 55%), beds per 1,000 as a number. */
const percent = (field: string) =>
	z.coerce
		.number({ error: `beds:errors.plan.${field}` })
		.min(1, `beds:errors.plan.${field}`)
		.max(100, `beds:errors.plan.${field}`)
		.transform((v) => Math.round(v * 10) / 1000)

export const planTargetsSchema = z.object({
	periodId: z.string({ error: 'beds:errors.plan.unknownPeriod' }).trim().min(1, 'beds:errors.plan.unknownPeriod').max(20, 'beds:errors.plan.unknownPeriod'),
	bedsPer1000: z.coerce.number({ error: 'beds:errors.plan.bedsPer1000' }).min(1, 'beds:errors.plan.bedsPer1000').max(200, 'beds:errors.plan.bedsPer1000'),
	nursingShare: percent('nursingShare'),
	urbanCoverage: percent('urbanCoverage'),
	villageCoverage: percent('villageCoverage'),
})
