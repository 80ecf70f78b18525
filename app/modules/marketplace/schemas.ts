// Form schemas of the marketplace. Messages are i18n keys in the `marketplace` namespace
// (or `common` for the shared ones) that the form components translate.
import { z } from 'zod'
import { isRealDate } from '~/lib/time.ts'
import { CONTROL_MESSAGE, hasNoControlChars, isSingleLine, nameSchema, passwordSchema, phoneSchema } from '~/modules/auth/schemas.ts'
import { PAY_METHODS } from '~/modules/payments/wallets.ts'
import { ALL_CATEGORIES, PRICE_UNITS, PROVIDER_KINDS } from './categories.ts'
import { BOOKING_TERM_LIMITS } from './rules.ts'
import { SORTS } from './sorts.ts'
import { timeToMinute } from './schedule.ts'

const E = (key: string) => `marketplace:errors.${key}`
// No control characters in any text (bounded input, issue 12 item 5); single-line fields refuse line breaks too.
const required = z.string({ error: 'errors.required' }).trim().min(1, 'errors.required').refine(hasNoControlChars, CONTROL_MESSAGE)
const text = (max: number) => z.string().trim().max(max, E('tooLong')).refine(hasNoControlChars, CONTROL_MESSAGE).optional().default('')
const oneLine = (max: number) => z.string().max(max, E('tooLong')).refine(isSingleLine, CONTROL_MESSAGE)
const asArray = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** Yuan as typed ("35" or "35.50") to integer fen; no floating point. */
export const yuanToFen = z
	.string({ error: 'errors.required' })
	.trim()
	.regex(/^\d{1,7}(\.\d{1,2})?$/, E('price.format'))
	.transform((v) => {
		const [whole, frac = ''] = v.split('.')
		return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
	})
	.refine((fen) => fen > 0, E('price.positive'))

export const applyProviderSchema = z.object({
	applicantName: nameSchema,
	phone: phoneSchema,
	password: passwordSchema,
	providerName: required.pipe(oneLine(80)),
	kind: z.enum(PROVIDER_KINDS, { error: E('kind.invalid') }),
	licenceNo: required.pipe(z.string().max(40, E('tooLong')).regex(/^[A-Za-z0-9-]+$/, E('licence.format'))),
	districtId: required.pipe(oneLine(40)),
	districtIds: z.preprocess(asArray, z.array(z.string()).min(1, E('districts.required'))),
	address: text(200),
	providerPhone: text(30),
	description: text(1000),
})

export const reviewProviderSchema = z.discriminatedUnion('decision', [
	z.object({ decision: z.literal('approve'), providerId: z.uuid(), reason: text(500) }),
	z.object({ decision: z.literal('reject'), providerId: z.uuid(), reason: required.pipe(z.string().max(500, E('tooLong'))) }),
])

/** Suspending an approved provider needs a written reason; reinstating takes an optional note. */
export const suspensionSchema = z.discriminatedUnion('intent', [
	z.object({ intent: z.literal('suspend'), providerId: z.uuid({ error: E('provider.notInScope') }), reason: z.string({ error: E('suspend.reason') }).trim().min(1, E('suspend.reason')).max(500, E('tooLong')) }),
	z.object({ intent: z.literal('reinstate'), providerId: z.uuid({ error: E('provider.notInScope') }), reason: text(500) }),
])

export const gradeProviderSchema = z.object({
	providerId: z.uuid(),
	grade: z.coerce.number({ error: E('grade.range') }).int(E('grade.range')).min(1, E('grade.range')).max(5, E('grade.range')),
	assessedOn: z.string({ error: 'errors.required' }).regex(/^\d{4}-\d{2}-\d{2}$/, E('date.format')),
})

export const offeringSchema = z.object({
	category: z.enum(ALL_CATEGORIES, { error: E('category.invalid') }),
	title: required.pipe(oneLine(60)),
	description: text(2000),
	price: yuanToFen,
	unit: z.enum(PRICE_UNITS, { error: E('unit.invalid') }),
	durationMinutes: z.coerce.number({ error: E('duration.range') }).int(E('duration.range')).min(15, E('duration.range')).max(1440, E('duration.range')),
	districtIds: z.preprocess(asArray, z.array(z.string()).min(1, E('districts.required'))),
	/** Communities the offering is limited to, inside its districts; none: the whole districts. */
	// Checked as a whole so the message lands on the field (not on communityIds[i], which no input shows).
	communityIds: z.preprocess(
		asArray,
		z
			.array(z.string())
			.max(500, E('communities.unknown'))
			.refine((ids) => ids.every((id) => z.uuid().safeParse(id).success), E('communities.unknown')),
	),
	active: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
})

const timeField = z
	.string({ error: 'errors.required' })
	.transform((v, ctx) => {
		const m = timeToMinute(v)
		if (m === null) {
			ctx.addIssue({ code: 'custom', message: E('time.format') })
			return z.NEVER
		}
		return m
	})

export const ruleSchema = z
	.object({
		intent: z.literal('add-rule'),
		weekdays: z.preprocess(asArray, z.array(z.coerce.number().int().min(1).max(7)).min(1, E('weekdays.required'))),
		start: timeField,
		end: timeField,
		capacity: z.coerce.number({ error: E('capacity.range') }).int(E('capacity.range')).min(1, E('capacity.range')).max(1000, E('capacity.range')),
	})
	.refine((v) => v.start < v.end, { path: ['end'], message: E('time.order') })

export const exceptionSchema = z.object({
	intent: z.literal('add-closure'),
	date: z.string({ error: 'errors.required' }).regex(/^\d{4}-\d{2}-\d{2}$/, E('date.format')),
	reason: text(200),
})

function termField(limits: { min: number; max: number }) {
	return z.coerce.number().int(E('terms.range')).min(limits.min, E('terms.range')).max(limits.max, E('terms.range'))
}

export const termsSchema = z.object({
	intent: z.literal('terms'),
	autoConfirm: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
	holdMinutes: termField(BOOKING_TERM_LIMITS.holdMinutes),
	freeCancelHours: termField(BOOKING_TERM_LIMITS.freeCancelHours),
	lateCancelFeePercent: termField(BOOKING_TERM_LIMITS.lateCancelFeePercent),
})

const fenField = z.coerce.number({ error: E('booking.priceChanged') }).int(E('booking.priceChanged')).min(0, E('booking.priceChanged'))

export const bookingSchema = z.object({
	idempotencyKey: z.string({ error: E('booking.formExpired') }).regex(/^[A-Za-z0-9_-]{16,64}$/, E('booking.formExpired')),
	elderId: z.string({ error: E('booking.chooseElder') }).trim().min(1, E('booking.chooseElder')),
	startsAt: z.iso.datetime({ offset: true, error: E('booking.chooseSlot') }),
	expectedPriceFen: fenField,
	expectedCopayFen: fenField,
	serviceAddress: text(200),
	homeLat: z.coerce.number().min(-90).max(90).optional(),
	homeLng: z.coerce.number().min(-180).max(180).optional(),
	note: text(500),
})

/** The payment form of a booking: WeChat Pay, Alipay or a card. */
export const payMethodSchema = z.object({ method: z.enum(PAY_METHODS, { error: 'marketplace:errors.payment.method' }) })

/** Cancelling is asked twice: a ticked box 我确认取消, so it works without JavaScript. */
export const cancelSchema = z.object({ intent: z.literal('cancel'), reason: text(300), confirm: z.literal('on', { error: E('booking.confirmCancel') }) })
export const declineSchema = z.object({ intent: z.literal('decline'), reason: required.pipe(z.string().max(300, E('tooLong'))) })

export const checkSchema = z
	.object({
		intent: z.enum(['check-in', 'check-out']),
		method: z.enum(['geo', 'code'], { error: E('visit.method') }),
		lat: z.coerce.number().min(-90).max(90).optional(),
		lng: z.coerce.number().min(-180).max(180).optional(),
		code: z.string().trim().max(12).optional(),
	})
	.refine((v) => (v.method === 'geo' ? v.lat !== undefined && v.lng !== undefined : !!v.code), { path: ['method'], message: E('visit.evidence') })

export const reviewSchema = z.object({
	intent: z.literal('review'),
	rating: z.coerce.number({ error: E('rating.range') }).int(E('rating.range')).min(1, E('rating.range')).max(5, E('rating.range')),
	comment: text(1000),
})

/** The family's dispute of a completed booking: what went wrong is required, so the bureau can judge it. */
export const disputeSchema = z.object({ intent: z.literal('dispute'), reason: z.string({ error: E('dispute.claimRequired') }).trim().min(1, E('dispute.claimRequired')).max(300, E('tooLong')) })

/** A bureau officer's review of a flagged visit. */
export const visitReviewSchema = z.object({
	visitId: z.uuid({ error: E('visit.notFound') }),
	decision: z.enum(['accept', 'reject'], { error: E('form.invalid') }),
	note: text(500),
})

export const replySchema = z.object({ intent: z.literal('reply'), reply: required.pipe(z.string().max(1000, E('tooLong'))) })

export { SORTS }

// Empty form fields mean "any": they must not coerce to 0.
const blank = (v: unknown) => (v === '' || v === null ? undefined : v)
const optionalInt = (min: number, max: number) => z.preprocess(blank, z.coerce.number().int().min(min).max(max).optional()).catch(undefined)

export const searchSchema = z.object({
	q: z.string().trim().max(50).refine(isSingleLine).optional().default('').catch(''),
	district: z.string().trim().max(40).refine(isSingleLine).optional().default('').catch(''),
	community: z.string().trim().max(40).refine(isSingleLine).optional().default('').catch(''),
	category: z.preprocess(blank, z.enum(ALL_CATEGORIES).optional()).catch(undefined),
	kind: z.preprocess(blank, z.enum(PROVIDER_KINDS).optional()).catch(undefined),
	date: z.preprocess(blank, z.string().refine(isRealDate).optional()).catch(undefined),
	minPrice: optionalInt(0, 10_000_000),
	maxPrice: optionalInt(0, 10_000_000),
	minGrade: optionalInt(1, 5),
	minRating: z.preprocess(blank, z.coerce.number().min(1).max(5).optional()).catch(undefined),
	sort: z.enum(SORTS).optional().default('relevance').catch('relevance'),
	page: z.coerce.number().int().min(1).max(500).optional().default(1).catch(1),
})

export type SearchParams = z.infer<typeof searchSchema>

/** A bureau officer's decision on a disputed booking; the written reason is required. */
export const resolveDisputeSchema = z.object({
	bookingId: z.uuid({ error: 'marketplace:errors.dispute.notFound' }),
	outcome: z.enum(['family', 'provider'], { error: 'marketplace:errors.dispute.outcome' }),
	reason: z
		.string({ error: 'marketplace:errors.dispute.reasonRequired' })
		.trim()
		.min(1, { error: 'marketplace:errors.dispute.reasonRequired' })
		.max(500, { error: 'marketplace:errors.tooLong' }),
})
