// Forms of inspections and rectification (issue 14 item 7): the inspection with its findings, the
// institution's answer to a finding, the officer's decision on it, and the limit setting.
import { z } from 'zod'
import { multiLineText } from '~/modules/auth/schemas.ts'
import { isoDate } from './schemas.ts'

export const INSPECTION_KINDS = ['safety', 'fire', 'food', 'care'] as const
export const SEVERITIES = ['minor', 'major', 'critical'] as const
export type InspectionKind = (typeof INSPECTION_KINDS)[number]
export type Severity = (typeof SEVERITIES)[number]
/** Finding rows the inspection form offers (without JavaScript the form cannot grow; rows left empty are ignored). */
export const FINDING_ROWS = 5

const E = (k: string) => `beds:inspections.errors.${k}`
const uuid = (message: string) => z.string({ error: message }).uuid(message)

const findingRow = z.object({
	category: z.enum(INSPECTION_KINDS, { error: E('category') }).optional(),
	severity: z.enum(SEVERITIES, { error: E('severity') }).optional(),
	description: multiLineText(500).optional(),
	deadline: isoDate(E('deadline')).optional(),
})

export function inspectionSchema(today: string) {
	return z
		.object({
			providerId: uuid(E('provider')),
			inspectedOn: isoDate(E('date')).refine((d) => d <= today, E('futureDate')),
			kinds: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(INSPECTION_KINDS, { error: E('kinds') })).min(1, E('kinds'))),
			note: multiLineText(1000).optional(),
			findings: z.array(findingRow.optional()).max(FINDING_ROWS).optional(),
		})
		.superRefine((v, ctx) => {
			;(v.findings ?? []).forEach((f, i) => {
				if (!f || !f.description) {
					// A row is empty without a description; a deadline typed without one is a mistake.
					if (f?.deadline) ctx.addIssue({ code: 'custom', path: ['findings', i, 'description'], message: E('description') })
					return
				}
				if (!f.category) ctx.addIssue({ code: 'custom', path: ['findings', i, 'category'], message: E('category') })
				if (!f.severity) ctx.addIssue({ code: 'custom', path: ['findings', i, 'severity'], message: E('severity') })
				if (!f.deadline) ctx.addIssue({ code: 'custom', path: ['findings', i, 'deadline'], message: E('deadline') })
				else if (f.deadline <= v.inspectedOn) ctx.addIssue({ code: 'custom', path: ['findings', i, 'deadline'], message: E('deadlineAfter') })
			})
		})
		.transform((v) => ({
			...v,
			findings: (v.findings ?? []).flatMap((f) => (f?.description && f.category && f.severity && f.deadline ? [{ category: f.category, severity: f.severity, description: f.description, deadline: f.deadline }] : [])),
		}))
}

export const answerSchema = z.object({
	findingId: uuid(E('unknown')),
	rectification: multiLineText(1000).pipe(z.string().min(1, E('rectification'))),
})

export const findingDecisionSchema = z
	.object({
		findingId: uuid(E('unknown')),
		decision: z.enum(['close', 'reopen'], { error: E('decision') }),
		reason: multiLineText(500).optional(),
	})
	.refine((v) => v.decision !== 'reopen' || !!v.reason, { path: ['reason'], message: E('reasonRequired') })

export function limitSchema(today: string) {
	return z.object({
		effectiveFrom: isoDate('beds:settings.errors.date').refine((d) => d >= today, 'beds:settings.errors.past'),
		suspendAfterDays: z.coerce.number({ error: E('limitDays') }).int(E('limitDays')).min(0, E('limitDays')).max(365, E('limitDays')),
	})
}
