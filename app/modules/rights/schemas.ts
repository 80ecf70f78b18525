// The forms of the rights requests: a family files one (or an officer records one made in person), an officer decides it.
import { z } from 'zod'
import { MOBILE_NUMBER } from '~/lib/text.ts'
import { multiLineText, nameSchema } from '~/modules/auth/schemas.ts'
import { DOCUMENTS_FOR_RELATION, RIGHTS_IDENTITY_DOCUMENTS, RIGHTS_KINDS, RIGHTS_REQUESTER_RELATIONS, RIGHTS_TEXT_MAX, type RightsKind } from './rules.ts'

const text = () => multiLineText(RIGHTS_TEXT_MAX, 'rights.errors.tooLong').optional()

type Details = { kind: RightsKind; wrongInfo?: string; correctInfo?: string; reason?: string }

/** A correction names what is wrong and what it should be; a deletion its reason. */
function requireDetails(v: Details, ctx: z.RefinementCtx) {
	if (v.kind === 'correction' && !v.wrongInfo) ctx.addIssue({ code: 'custom', path: ['wrongInfo'], message: 'rights.errors.wrongInfoRequired' })
	if (v.kind === 'correction' && !v.correctInfo) ctx.addIssue({ code: 'custom', path: ['correctInfo'], message: 'rights.errors.correctInfoRequired' })
	if (v.kind === 'deletion' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'rights.errors.reasonRequired' })
}

/** Only the details of the kind chosen are kept (a form sent without JavaScript has every box). */
function detailsOfKind(v: Details) {
	return {
		kind: v.kind,
		wrongInfo: v.kind === 'correction' ? (v.wrongInfo ?? null) : null,
		correctInfo: v.kind === 'correction' ? (v.correctInfo ?? null) : null,
		reason: v.kind === 'deletion' ? (v.reason ?? null) : null,
	}
}

const kind = () => z.enum(RIGHTS_KINDS, { error: 'rights.errors.kind' })

/** Filing: the elder, the kind and, for a correction or a deletion, what the officer needs to act. */
export const fileRightsRequestSchema = z
	.object({ intent: z.literal('file'), elderId: z.uuid({ error: 'rights.errors.elder' }), kind: kind(), wrongInfo: text(), correctInfo: text(), reason: text() })
	.superRefine(requireDetails)
	.transform((v) => ({ elderId: v.elderId, ...detailsOfKind(v) }))
export type FileRightsRequestInput = z.output<typeof fileRightsRequestSchema>

/**
 * Recording a request made in person at the office: who asked (the elder, a guardian or an agent),
 * by name, what the officer checked of their identity (the document must fit who they are), a
 * mobile number for the answer if they want one, and the request itself.
 */
export const recordInPersonRightsRequestSchema = z
	.object({
		intent: z.literal('record'),
		elderId: z.uuid({ error: 'rights.errors.elder' }),
		kind: kind(),
		requesterRelation: z.enum(RIGHTS_REQUESTER_RELATIONS, { error: 'rights.errors.relation' }),
		requesterName: nameSchema,
		identityDocument: z.enum(RIGHTS_IDENTITY_DOCUMENTS, { error: 'rights.errors.document' }),
		contactPhone: z.string().trim().regex(MOBILE_NUMBER, 'errors.phone.invalid').optional(),
		wrongInfo: text(),
		correctInfo: text(),
		reason: text(),
	})
	.superRefine((v, ctx) => {
		requireDetails(v, ctx)
		if (!DOCUMENTS_FOR_RELATION[v.requesterRelation].includes(v.identityDocument)) ctx.addIssue({ code: 'custom', path: ['identityDocument'], message: `rights.errors.documentFor.${v.requesterRelation}` })
	})
	.transform((v) => ({ elderId: v.elderId, requesterRelation: v.requesterRelation, requesterName: v.requesterName, identityDocument: v.identityDocument, contactPhone: v.contactPhone ?? null, ...detailsOfKind(v) }))
export type RecordInPersonRightsRequestInput = z.output<typeof recordInPersonRightsRequestSchema>

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

/** A family member takes back its own open request; an officer one made in person, at the requester's word. */
export const withdrawRightsRequestSchema = z.object({
	intent: z.literal('withdraw'),
	requestId: z.uuid({ error: 'rights.errors.notFound' }),
})
export type WithdrawRightsRequestInput = z.output<typeof withdrawRightsRequestSchema>
