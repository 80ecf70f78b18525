import { getFormProps, useForm, type FormMetadata, type SubmissionResult } from '@conform-to/react'
import { Form } from '@remix-run/react'
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'

// The one client side of the form protocol (server side: app/lib/forms.server.ts). A page calls
// `useReplyForm(id, actionData)` per form, renders it in an `ActionForm`, shows field errors through
// `Field`/`SelectField`/`TextareaField` (`errors={fields.x.errors}`) and form errors in `FormErrors`.
// The errors come from the server's reply, so they show the same with and without JavaScript.

/** What an action answers (FormReply in forms.server.ts), as the page reads it. */
export type ReplyData = { form?: string; ok?: boolean; result?: SubmissionResult<string[]>; value?: unknown } | undefined | null

/** The action's reply if it is for this form (pages have several), for Conform's `lastResult`. */
export function replyFor(reply: ReplyData | unknown, id: string): SubmissionResult<string[]> | undefined {
	const r = reply as ReplyData
	return r && r.form === id ? r.result : undefined
}

/**
 * Conform's useForm for a form the server alone validates (no zod shipped to the browser), fed
 * with the action's reply when it is for this form. `F` names the fields: `useReplyForm<'name' | 'floor'>`.
 * A form validated on the client too calls `useForm({ id, lastResult: replyFor(reply, id), onValidate })`.
 * Revalidated on submit only: without `onValidate`, Conform would post the whole form to the server
 * on every keystroke, each post aborting the one before (a slow phone's uploads and a page error).
 */
export function useReplyForm<F extends string = never>(id: string, reply: ReplyData | unknown) {
	return useForm<Record<F, string>, Record<F, string>, string[]>({ id, lastResult: replyFor(reply, id), shouldValidate: 'onSubmit', shouldRevalidate: 'onSubmit' })
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyForm = FormMetadata<any, string[]>

/** The field errors of this form's reply, all together (for small forms that show them in one place). */
export function replyFieldErrors(reply: ReplyData | unknown, id: string): string[] {
	return Object.entries(replyFor(reply, id)?.error ?? {})
		.filter(([field]) => field !== '')
		.flatMap(([, errors]) => errors ?? [])
}

/** Whether the reply says the form (any form, without `id`) was accepted. */
export function replyDone(reply: ReplyData | unknown, id?: string): boolean {
	const r = reply as ReplyData
	return Boolean(r?.ok && (id === undefined || r.form === id))
}

/** The value of a successful reply to this form (for a "done" notice), or undefined. */
export function replyValue<T = unknown>(reply: ReplyData | unknown, id: string): T | undefined {
	const r = reply as ReplyData
	return r?.ok && r.form === id ? (r.value as T) : undefined
}

/** A POST form with its CSRF token, its intent and its id (so the reply finds its way back to it). */
export function ActionForm({ form, intent, className, children, encType }: { form: AnyForm; intent?: string; className?: string; children: ReactNode; encType?: 'multipart/form-data' }) {
	return (
		<Form method="post" {...getFormProps(form)} className={className} encType={encType}>
			<AuthenticityTokenInput name="csrf" />
			<input type="hidden" name="formId" value={form.id} />
			{intent ? <input type="hidden" name="intent" value={intent} /> : null}
			{children}
		</Form>
	)
}

/**
 * Errors of a reply whose form is no longer on the page (its row was decided meanwhile): shown at
 * the top of the page so a refusal (409 "already decided") is never silent.
 */
export function OrphanReplyErrors({ reply, formIds }: { reply: ReplyData | unknown; formIds: string[] }) {
	const r = reply as ReplyData
	if (!r?.result?.error || formIds.includes(r.form ?? '')) return null
	const errors = Object.values(r.result.error).flatMap((e) => e ?? [])
	return (
		<div role="alert" className="form-errors">
			<ErrorList errors={errors} />
		</div>
	)
}

/**
 * The form's error slot, above its buttons: errors that belong to no one field, and (`errors`) those
 * of hidden fields such as the id of the item decided on.
 */
export function FormErrors({ form, errors }: { form: AnyForm; errors?: ListOfErrors }) {
	const list = [...(form.errors ?? []), ...(errors ?? [])]
	return (
		<div role="alert" className="form-errors">
			{list.length ? <ErrorList id={form.errorId} errors={list} /> : null}
		</div>
	)
}

export type ListOfErrors = Array<string | null | undefined> | null | undefined

/** Errors are i18n keys (from the zod schemas); translated here into the reader's language. */
export function ErrorList({ id, errors }: { id?: string; errors?: ListOfErrors }) {
	const { t } = useTranslation()
	const list = errors?.filter(Boolean)
	// Space is reserved so a message appearing never moves a button under the user's finger.
	return (
		<div id={id} className="field-errors" aria-live="polite">
			{list?.length ? (
				<ul>
					{list.map((e) => (
						<li key={e}>{t(e!)}</li>
					))}
				</ul>
			) : null}
		</div>
	)
}

type Control = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }

/** A label, an optional hint, the control and its errors, wired together by ids. */
function FieldFrame({ id, label, hint, errors, control }: { id: string; label: ReactNode; hint?: ReactNode; errors?: ListOfErrors; control: (props: Control) => ReactNode }) {
	const errorId = errors?.length ? `${id}-error` : undefined
	const hintId = hint ? `${id}-hint` : undefined
	return (
		<div className="field">
			<label htmlFor={id}>{label}</label>
			{hint ? (
				<p id={hintId} className="hint">
					{hint}
				</p>
			) : null}
			{control({ id, 'aria-invalid': errorId ? true : undefined, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined })}
			<ErrorList id={errorId} errors={errors} />
		</div>
	)
}

export function Field({ label, hint, errors, inputProps }: { label: ReactNode; hint?: ReactNode; errors?: ListOfErrors; inputProps: InputHTMLAttributes<HTMLInputElement> }) {
	const fallbackId = useId()
	return <FieldFrame id={inputProps.id ?? fallbackId} label={label} hint={hint} errors={errors} control={(aria) => <input {...aria} {...inputProps} />} />
}

/** A box that must be ticked (a consent, a confirmation): the label beside the box, errors below. */
export function CheckboxField({ label, hint, errors, inputProps }: { label: ReactNode; hint?: ReactNode; errors?: ListOfErrors; inputProps: InputHTMLAttributes<HTMLInputElement> & { name: string } }) {
	const fallbackId = useId()
	const id = inputProps.id ?? fallbackId
	const errorId = errors?.length ? `${id}-error` : undefined
	const hintId = hint ? `${id}-hint` : undefined
	return (
		<div className="field">
			<label className="checkbox" htmlFor={id}>
				<input type="checkbox" required {...inputProps} id={id} aria-invalid={errorId ? true : undefined} aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined} /> {label}
			</label>
			{hint ? (
				<p id={hintId} className="hint">
					{hint}
				</p>
			) : null}
			<ErrorList id={errorId} errors={errors} />
		</div>
	)
}

export function SelectField({
	label,
	hint,
	errors,
	selectProps,
	options,
	placeholder,
}: {
	label: ReactNode
	hint?: ReactNode
	errors?: ListOfErrors
	selectProps: SelectHTMLAttributes<HTMLSelectElement>
	options: { value: string; label: string }[]
	placeholder?: string
}) {
	const fallbackId = useId()
	return (
		<FieldFrame
			id={selectProps.id ?? fallbackId}
			label={label}
			hint={hint}
			errors={errors}
			control={(aria) => (
				<select {...aria} {...selectProps}>
					<SelectOptions options={options} placeholder={placeholder} />
				</select>
			)}
		/>
	)
}

/** A select's options, after an optional first one (`placeholder`) that chooses nothing. */
export function SelectOptions({ options, placeholder }: { options: readonly { value: string | number; label: ReactNode }[]; placeholder?: string }) {
	return (
		<>
			{placeholder !== undefined ? <option value="">{placeholder}</option> : null}
			{options.map((o) => (
				<option key={o.value} value={o.value}>
					{o.label}
				</option>
			))}
		</>
	)
}

/** The submit buttons of a decision form: each sends `name=value` (approve/reject, accept/reject, …). */
export function DecisionButtons({ name, choices, disabled }: { name: string; choices: { value: string; label: string; tone?: 'secondary' | 'danger' }[]; disabled?: boolean }) {
	return (
		<>
			{choices.map((c) => (
				<button key={c.value} type="submit" name={name} value={c.value} className={`button big${c.tone ? ` ${c.tone}` : ''}`} disabled={disabled}>
					{c.label}
				</button>
			))}
		</>
	)
}

export function TextareaField({ label, hint, errors, textareaProps }: { label: ReactNode; hint?: ReactNode; errors?: ListOfErrors; textareaProps: TextareaHTMLAttributes<HTMLTextAreaElement> }) {
	const fallbackId = useId()
	return <FieldFrame id={textareaProps.id ?? fallbackId} label={label} hint={hint} errors={errors} control={(aria) => <textarea rows={3} {...aria} {...textareaProps} />} />
}

/**
 * A decision on one item: optional fields, a reason, the form's error slot and the decision buttons
 * (approve/reject, accept/reject, …). `reason.name` is the field the schema reads (reason, note).
 */
export function DecisionForm({
	form,
	fields,
	reason,
	decision,
	choices,
	disabled,
	children,
}: {
	form: AnyForm
	fields: Record<string, { errors?: string[] } | undefined>
	reason?: { name: string; label: ReactNode; hint?: ReactNode; required?: boolean; maxLength?: number }
	decision: string
	choices: { value: string; label: string; tone?: 'secondary' | 'danger' }[]
	disabled?: boolean
	children?: ReactNode
}) {
	return (
		<ActionForm form={form} className="grid-form decision-form">
			{children}
			{reason ? (
				<TextareaField
					label={reason.label}
					hint={reason.hint}
					errors={fields[reason.name]?.errors}
					textareaProps={{ id: `${form.id}-${reason.name}`, name: reason.name, required: reason.required, maxLength: reason.maxLength ?? 500, rows: 2 }}
				/>
			) : null}
			<FormErrors form={form} errors={fields[decision]?.errors} />
			<div className="button-row">
				<DecisionButtons name={decision} choices={choices} disabled={disabled} />
			</div>
		</ActionForm>
	)
}
