// Form schemas of the due-process pages. Messages are i18n keys.
import { z } from 'zod'
import { CONTROL_MESSAGE, hasNoControlChars, isSingleLine, phoneSchema } from '~/modules/auth/schemas.ts'

const E = (key: string) => `subsidies:dueProcess.errors.${key}`
const uuid = (key: string) => z.string({ error: E(key) }).uuid(E(key))
const reason = (key = 'reason') => z.string({ error: E(key) }).trim().min(1, E(key)).max(1000, 'errors.text.tooLong').refine(hasNoControlChars, CONTROL_MESSAGE)

export const objectionSchema = z.object({
	noticeId: uuid('noNotice').optional(),
	entryId: uuid('noEntry'),
	name: z.string({ error: E('name') }).trim().min(1, E('name')).max(40, 'errors.text.tooLong').refine(isSingleLine, CONTROL_MESSAGE),
	phone: phoneSchema,
	reason: reason(),
})

export const findingSchema = z.object({
	objectionId: uuid('notInScope'),
	finding: z.enum(['upheld', 'not_upheld'], { error: E('reason') }),
	reasons: reason(),
})

export const appealSchema = z.object({
	kind: z.enum(['subsidy_application', 'allowance_stop', 'assessment', 'complaint'], { error: E('noApplication') }),
	// A uuid, or '<runId>:<elderId>' for an allowance stop; checked against the database by the module.
	subjectId: z.string({ error: E('noApplication') }).trim().min(1, E('noApplication')).max(80, E('noApplication')).regex(/^[0-9a-f:-]+$/i, E('noApplication')),
	reasons: reason(),
})

export const appealDecisionSchema = z.object({
	appealId: uuid('notInScope'),
	outcome: z.enum(['upheld', 'changed'], { error: E('reason') }),
	reason: reason(),
	// The corrected capability level or complaint finding (assessment and complaint appeals only).
	changedTo: z.string().trim().max(20).optional(),
})

export const renewSchema = z.object({ grantId: uuid('notInScope') })
