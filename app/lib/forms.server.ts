import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data } from '@remix-run/node'
import { z } from 'zod'
import type { Failure } from './outcome.ts'
import { zodMessageKey } from './zod-messages.ts'

// The one action protocol. Every action answers with a FormReply: Conform's `submission.reply()`
// (field errors under their fields, form errors in the form's error slot) tagged with the form it
// belongs to, so a page with several forms shows the errors under the one that was sent. The same
// reply renders the page with and without JavaScript (a plain POST gets the page with its 4xx status).

/** The message of a value with a NUL character (the catalogue's control-character message). */
const NUL_MESSAGE = 'errors.text.control'

/** The hidden field naming the form that was sent; without it, the form is its `intent`. */
export const FORM_ID_FIELD = 'formId'

/**
 * The schema of a form with no fields of its own (a button with its CSRF token): routes take it from
 * here, a server-only module, so that zod is not shipped to the browser for it.
 */
export const noFields = z.object({})

/** `ok` says whether the form was accepted (Conform's reset reply carries no status). */
export type FormReply<T = null> = { form: string; ok: boolean; result: SubmissionResult<string[]>; value?: T }

type ReplyOptions = {
	resetForm?: boolean
	/** Show the refusal's form error under this field instead (it is about that field: the month of a run). */
	errorField?: string
	/** Headers of the reply (a Set-Cookie). */
	headers?: HeadersInit
}
type Submission = { reply: (options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]>; hideFields?: string[]; resetForm?: boolean }) => SubmissionResult<string[]> }

export type ParsedForm<V> = { ok: true; value: V; form: string; submission: Submission; hideFields?: string[] }
export type InvalidForm = { ok: false; form: string; response: ReturnType<typeof data<FormReply>> }

export function formIdOf(formData: FormData): string {
	return String(formData.get(FORM_ID_FIELD) ?? formData.get('intent') ?? 'form')
}

/**
 * Parses a form with its zod schema; if invalid, `response` is the 400 reply to return. `form` names
 * the form when the page derives it from the data (one form per row: `dispute-${bookingId}`);
 * `invalidMessage` adds a form error above the buttons ("check the form") to the field errors.
 */
export function parseForm<S extends z.ZodType>(formData: FormData, schema: S, options: { hideFields?: string[]; form?: string; invalidMessage?: string } = {}): ParsedForm<z.output<S>> | InvalidForm {
	const form = options.form ?? formIdOf(formData)
	const submission = parseWithZod<S>(formData, { schema, error: zodMessageKey })
	// PostgreSQL text cannot hold U+0000: a value with one would fail in the database (a 500) wherever
	// a schema lets a plain string through, so no form accepts it (found by the fuzz suite).
	const withNul = [...new Set([...formData.entries()].filter(([, v]) => typeof v === 'string' && v.includes('\u0000')).map(([k]) => k))]
	if (withNul.length) {
		const fieldErrors = Object.fromEntries(withNul.map((k) => [k, [NUL_MESSAGE]]))
		return { ok: false, form, response: data<FormReply>({ form, ok: false, result: submission.reply({ fieldErrors, hideFields: options.hideFields }) }, { status: 400 }) }
	}
	if (submission.status === 'success') return { ok: true, value: submission.value as z.output<S>, form, submission, hideFields: options.hideFields }
	return { ok: false, form, response: data<FormReply>({ form, ok: false, result: submission.reply({ hideFields: options.hideFields, formErrors: options.invalidMessage ? [options.invalidMessage] : undefined }) }, { status: 400 }) }
}

/**
 * A refusal as modules give it: the one `Failure` of outcome.ts, or (until every module has adopted
 * it) one whose status is left to the default 400.
 */
export type Refusal = Failure | { ok: false; status?: number; formError?: string | null; fieldErrors?: Record<string, string[]> }

/** The reply to a refusal: its form error above the buttons, its field errors under the fields, its status. */
export function replyFailure<E extends object = object>(parsed: ParsedForm<unknown>, failure: Refusal, extra?: E, errorField?: string) {
	const formErrors = failure.formError ? [failure.formError] : []
	const fieldErrors = errorField && formErrors.length ? { ...failure.fieldErrors, [errorField]: formErrors } : (failure.fieldErrors ?? {})
	const result = parsed.submission.reply({ formErrors: errorField ? [] : formErrors, fieldErrors, hideFields: parsed.hideFields })
	return data<FormReply & Partial<E>>({ form: parsed.form, ok: false, result, ...extra } as FormReply & Partial<E>, { status: failure.status ?? 400 })
}

/** Answers a module Outcome: 200 with its value (the form reset), or the refusal with its status. */
export function replyOutcome<T = null>(parsed: ParsedForm<unknown>, outcome: { ok: true; value?: T } | Refusal, options: ReplyOptions = {}) {
	if (!outcome.ok) return replyFailure(parsed, outcome, undefined, options.errorField)
	return data<FormReply<T | null>>({ form: parsed.form, ok: true, result: parsed.submission.reply({ resetForm: options.resetForm ?? true, hideFields: parsed.hideFields }), value: outcome.value ?? null }, options.headers ? { headers: options.headers } : undefined)
}

/**
 * The action of a form that calls one module function: parsed with its schema (the 400 reply when
 * invalid), then `run` with the parsed value, its Outcome answered as replyOutcome does.
 */
export async function answerForm<S extends z.ZodType, T = null>(
	formData: FormData,
	schema: S,
	run: (value: z.output<S>) => Promise<{ ok: true; value?: T } | Refusal>,
	options: { hideFields?: string[]; form?: string; invalidMessage?: string } & ReplyOptions = {},
) {
	const parsed = parseForm(formData, schema, options)
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await run(parsed.value), options)
}
