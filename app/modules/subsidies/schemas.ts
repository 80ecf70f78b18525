// Form schemas of the subsidy pages. Messages are i18n keys in the `subsidies` namespace.
import { z } from 'zod'
import { parseYuan } from '~/lib/money.ts'
import { ServiceCategory } from '~/generated/prisma/enums.ts'
import { DISABILITY_LEVELS, ELDER_CATEGORIES } from './categories.ts'
import { CONTROL_MESSAGE, isSingleLine, multiLineText } from '~/modules/auth/schemas.ts'

const E = (key: string) => `subsidies:errors.${key}`

const dateString = z.string({ error: E('date') }).regex(/^\d{4}-\d{2}-\d{2}$/, E('date')).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), E('date'))

const yuan = (key: string) =>
	z
		.string({ error: E(key) })
		.transform((v, ctx) => {
			const fen = parseYuan(v)
			if (fen === null) {
				ctx.addIssue({ code: 'custom', message: E(key) })
				return z.NEVER
			}
			return fen
		})

/** Conform sends a single checkbox value as a string and several as an array. */
const many = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item))

const percentToBps = z
	.string({ error: E('copay') })
	.regex(/^\d{1,3}(\.\d{1,2})?$/, E('copay'))
	.transform((v) => {
		const [whole, frac = ''] = v.split('.')
		return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
	})
	.refine((bps) => bps >= 0 && bps <= 10_000, E('copay'))

const ruleFields = {
	effectiveFrom: dateString,
	validUntil: z.preprocess((v) => (v === '' ? undefined : v), dateString.optional()),
	categories: many(z.enum(ELDER_CATEGORIES, { error: E('category') })),
	minDisability: z.enum(DISABILITY_LEVELS, { error: E('disability') }).default('none'),
	minAge: z.coerce.number({ error: E('minAge') }).int(E('minAge')).min(60, E('minAge')).max(120, E('minAge')).default(60),
	districtIds: many(z.string().trim().min(1)),
	monthlyCredit: yuan('monthlyCredit').refine((fen) => fen > 0, E('monthlyCredit')),
	coveredCategories: many(z.enum(ServiceCategory, { error: E('serviceCategory') })).refine((v) => v.length > 0, E('coveredCategories')),
	copayPercent: percentToBps,
	expiresAtMonthEnd: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
}

function checkPeriod(v: { effectiveFrom: string; validUntil?: string }, ctx: z.RefinementCtx) {
	if (v.validUntil && v.validUntil < v.effectiveFrom) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: E('period') })
}

export const createPolicySchema = z
	.object({
		intent: z.literal('create'),
		code: z.string({ error: E('code') }).trim().regex(/^[a-z0-9-]{2,40}$/, E('code')),
		nameZh: z.string({ error: E('name') }).trim().min(2, E('name')).max(60, E('name')).refine(isSingleLine, CONTROL_MESSAGE),
		nameEn: z.string({ error: E('name') }).trim().min(2, E('name')).max(100, E('name')).refine(isSingleLine, CONTROL_MESSAGE),
		excludes: many(z.uuid()),
		/** A district officer's policy may top up a city policy (only its grantees are eligible). */
		topUpOfPolicyId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid({ error: E('policy') }).optional()),
		...ruleFields,
	})
	.superRefine(checkPeriod)

export const newVersionSchema = z
	.object({
		intent: z.literal('version'),
		policyId: z.uuid({ error: E('policy') }),
		...ruleFields,
	})
	.superRefine(checkPeriod)

export const budgetSchema = z.object({
	intent: z.literal('budget'),
	policyId: z.uuid({ error: E('policy') }),
	districtId: z.string({ error: E('district') }).trim().min(1, E('district')).max(40, E('district')).refine(isSingleLine, E('district')),
	year: z.coerce.number({ error: E('year') }).int(E('year')).min(2016, E('year')).max(2100, E('year')),
	amount: yuan('amount'),
})

/** The city's limits for a district's own policies. */
export const districtLimitSchema = z.object({
	intent: z.literal('limit'),
	districtId: z.string({ error: E('district') }).trim().min(1, E('district')).max(40, E('district')).refine(isSingleLine, E('district')),
	maxMonthlyCredit: yuan('amount'),
	maxYearBudget: yuan('amount'),
})

export const policyFormSchema = z.discriminatedUnion('intent', [createPolicySchema, newVersionSchema, budgetSchema, districtLimitSchema])

export const applySchema = z.object({
	elderId: z.uuid({ error: E('elder') }),
	policyId: z.uuid({ error: E('policy') }),
	householdSize: z.coerce.number({ error: E('householdSize') }).int(E('householdSize')).min(1, E('householdSize')).max(30, E('householdSize')),
	householdIncome: yuan('householdIncome'),
	statement: multiLineText(500, E('statement')).optional(),
})

export const communityReviewSchema = z.object({
	applicationId: z.uuid({ error: E('application') }),
	decision: z.enum(['approve', 'reject'], { error: E('decision') }),
	economicCheckResult: z.enum(['pass', 'fail'], { error: E('economicCheck') }),
	economicCheckDate: dateString,
	note: multiLineText(500, E('note')).optional(),
})

export const bureauDecisionSchema = z
	.object({
		applicationId: z.uuid({ error: E('application') }),
		decision: z.enum(['approve', 'reject'], { error: E('decision') }),
		reason: multiLineText(500, E('reason')).optional(),
		override: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
		overrideReason: multiLineText(500, E('reason')).optional(),
	})
	.superRefine((v, ctx) => {
		if (v.decision === 'reject' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: E('reasonRequired') })
		if (v.override && !v.overrideReason) ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: E('overrideReasonRequired') })
	})

export type PolicyRulesInput = z.infer<typeof newVersionSchema>
export type CreatePolicyInput = z.infer<typeof createPolicySchema>
export type BudgetInput = z.infer<typeof budgetSchema>
export type DistrictLimitInput = z.infer<typeof districtLimitSchema>
export type ApplyInput = z.infer<typeof applySchema>
export type CommunityReviewInput = z.infer<typeof communityReviewSchema>
export type BureauDecisionInput = z.infer<typeof bureauDecisionSchema>

/** A bureau officer's decision on a submitted claim; returning it needs a reason (checked with the claim). */
export const claimDecisionSchema = z.object({
	intent: z.enum(['approve', 'reject'], { error: E('checkForm') }).default('approve'),
	note: multiLineText(500, E('tooLong')).optional().default(''),
})

// ---- registry: the township (乡镇/街道) step of the review chain
export const townshipReviewSchema = z.object({
	applicationId: z.uuid({ error: E('application') }),
	decision: z.enum(['approve', 'reject'], { error: E('decision') }),
	note: z.string().trim().max(500, E('note')).optional(),
})
export type TownshipReviewInput = z.infer<typeof townshipReviewSchema>
