// The one result shape of every domain operation that a user can be refused: routes turn a failure
// into a form reply (field errors under their fields, the form error above the buttons) with its
// status; workers log it. Messages are i18n keys, translated where they are shown.

export type FieldErrors = Record<string, string[]>

export type Failure = { ok: false; status: number; formError?: string; fieldErrors: FieldErrors }
export type Outcome<T = null> = { ok: true; value: T } | Failure

export function ok(): { ok: true; value: null }
export function ok<T>(value: T): { ok: true; value: T }
export function ok<T>(value: T | null = null): { ok: true; value: T | null } {
	return { ok: true, value }
}

/** The same outcome with `value` in place of what it succeeded with (a notice for the page, say). */
export function outcomeAs<T>(outcome: Outcome<unknown>, value: T): Outcome<T> {
	return outcome.ok ? ok(value) : outcome
}

/** A refusal of the whole form (e.g. 409 "already decided"), shown above its buttons. */
export function fail(formError: string, status = 400): Failure {
	return { ok: false, status, formError, fieldErrors: {} }
}

/** A refusal that belongs to one field, shown under it. */
export function fieldFail(field: string, message: string, status = 400): Failure {
	return { ok: false, status, fieldErrors: { [field]: [message] } }
}
