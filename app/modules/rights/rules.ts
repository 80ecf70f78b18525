// Rights of the person that need an officer (PIPL arts. 44–50): the kinds, the deadline and when a
// request is overdue. Pure: the pages and the tests use them too.
import { addDays } from '~/lib/time.ts'

export const RIGHTS_KINDS = ['copy', 'correction', 'deletion'] as const
export type RightsKind = (typeof RIGHTS_KINDS)[number]

export const RIGHTS_STATUSES = ['open', 'fulfilled', 'refused', 'withdrawn'] as const
export type RightsStatus = (typeof RIGHTS_STATUSES)[number]

/** GB/T 35273-2020 §8.7: a request is answered within 30 days of filing (calendar days). */
export const RIGHTS_DUE_DAYS = 30

/** How many days before the due date the elder's community officers are reminded (rights/reminders.server.ts). */
export const RIGHTS_REMIND_DAYS = 5

/**
 * Who asks in person at the office (an elder without a family account): the elder, a guardian, or an
 * agent with the elder's written authorisation; and what the officer must see for each before
 * recording it (the elder's own identity card or household register; a guardian's proof of
 * guardianship; an agent's authorisation).
 */
export const RIGHTS_REQUESTER_RELATIONS = ['self', 'guardian', 'agent'] as const
export type RightsRequesterRelation = (typeof RIGHTS_REQUESTER_RELATIONS)[number]

export const RIGHTS_IDENTITY_DOCUMENTS = ['resident_id', 'household_register', 'guardianship', 'authorisation'] as const
export type RightsIdentityDocument = (typeof RIGHTS_IDENTITY_DOCUMENTS)[number]

export const DOCUMENTS_FOR_RELATION: Record<RightsRequesterRelation, readonly RightsIdentityDocument[]> = {
	self: ['resident_id', 'household_register'],
	guardian: ['guardianship'],
	agent: ['authorisation'],
}

/** Longest text a family or officer writes in a request or its answer. */
export const RIGHTS_TEXT_MAX = 500

/** The date by which a request filed on `filedOn` (Shanghai date) must be answered. */
export function rightsDueOn(filedOn: string): string {
	return addDays(filedOn, RIGHTS_DUE_DAYS)
}

/** An open request is overdue from the day after its due date. */
export function isOverdue(request: { status: string; dueOn: string }, today: string): boolean {
	return request.status === 'open' && today > request.dueOn
}
