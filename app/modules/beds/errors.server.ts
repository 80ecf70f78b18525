// Database rules (unique indexes, rule triggers) mapped to the message keys the forms translate.
type PgError = { code?: string; constraint?: string }

const MESSAGES: Record<string, { field: string; message: string; status: number }> = {
	admission_one_current_per_elder: { field: 'idNumber', message: 'beds:errors.elder.alreadyAdmitted', status: 409 },
	admission_one_current_per_bed: { field: 'bedId', message: 'beds:errors.bed.occupied', status: 409 },
	admission_discharge_not_before_admission: { field: 'on', message: 'beds:errors.dischargeBeforeAdmission', status: 400 },
	stay_request_one_open_per_elder_provider: { field: 'providerId', message: 'beds:errors.request.alreadyOpen', status: 409 },
	room_providerId_name_key: { field: 'name', message: 'beds:errors.room.nameTaken', status: 409 },
	bed_roomId_label_key: { field: 'roomId', message: 'beds:errors.bed.labelTaken', status: 409 },
	population_stat_positive: { field: 'aged60Plus', message: 'beds:errors.population.positive', status: 400 },
	bed_price_non_negative: { field: 'price', message: 'beds:errors.price', status: 400 },
}

export function ruleViolation(error: unknown) {
	const e = error as PgError
	if (!e || (e.code !== '23505' && e.code !== '23514') || !e.constraint) return null
	return MESSAGES[e.constraint] ?? null
}

/** A refusal that aborts the transaction it is thrown in; the action answers it as a form error. */
export class Refusal extends Error {
	constructor(
		readonly field: string,
		readonly key: string,
		readonly status = 409,
	) {
		super(key)
	}
}

export type Result<T> = { ok: true; value: T } | { ok: false; fieldErrors: Record<string, string[]>; status: number }

export function refused(field: string, key: string, status = 409): { ok: false; fieldErrors: Record<string, string[]>; status: number } {
	return { ok: false, fieldErrors: { [field]: [key] }, status }
}

/** Turns a Refusal or a database rule violation into a form result; anything else is a real error. */
export function asResult(error: unknown): { ok: false; fieldErrors: Record<string, string[]>; status: number } {
	if (error instanceof Refusal) return refused(error.field, error.key, error.status)
	const rule = ruleViolation(error)
	if (rule) return refused(rule.field, rule.message, rule.status)
	throw error
}
