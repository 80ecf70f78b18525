// Form schemas of the due-process pages. Messages are i18n keys.
import { z } from 'zod'
import { multiLineText, phoneSchema, singleLineText } from '~/modules/auth/schemas.ts'

const E = (key: string) => `subsidies:dueProcess.errors.${key}`
const uuid = (key: string) => z.string({ error: E(key) }).uuid(E(key))
const reason = (key = 'reason') => multiLineText(1000, 'errors.text.tooLong').pipe(z.string().min(1, E(key)))

export const objectionSchema = z.object({
	noticeId: uuid('noNotice'),
	entryId: uuid('noEntry'),
	name: singleLineText(40).pipe(z.string().min(1, E('name'))),
	phone: phoneSchema,
	reason: reason(),
})

export const findingSchema = z.object({
	objectionId: uuid('notInScope'),
	finding: z.enum(['upheld', 'not_upheld'], { error: E('reason') }),
	reasons: reason(),
})

export const appealSchema = z.object({
	applicationId: uuid('noApplication'),
	reasons: reason(),
})

export const appealDecisionSchema = z.object({
	appealId: uuid('notInScope'),
	outcome: z.enum(['upheld', 'changed'], { error: E('reason') }),
	reason: reason(),
})

export const renewSchema = z.object({ grantId: uuid('notInScope') })
