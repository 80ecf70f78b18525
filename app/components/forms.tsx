import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'

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

export function Field({ label, hint, errors, inputProps }: { label: ReactNode; hint?: ReactNode; errors?: ListOfErrors; inputProps: InputHTMLAttributes<HTMLInputElement> }) {
	const fallbackId = useId()
	const id = inputProps.id ?? fallbackId
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
			<input id={id} aria-invalid={errorId ? true : undefined} aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined} {...inputProps} />
			<ErrorList id={errorId} errors={errors} />
		</div>
	)
}

export function SelectField({
	label,
	errors,
	selectProps,
	options,
	placeholder,
}: {
	label: ReactNode
	errors?: ListOfErrors
	selectProps: SelectHTMLAttributes<HTMLSelectElement>
	options: { value: string; label: string }[]
	placeholder?: string
}) {
	const fallbackId = useId()
	const id = selectProps.id ?? fallbackId
	const errorId = errors?.length ? `${id}-error` : undefined
	return (
		<div className="field">
			<label htmlFor={id}>{label}</label>
			<select id={id} aria-invalid={errorId ? true : undefined} aria-describedby={errorId} {...selectProps}>
				{placeholder !== undefined ? <option value="">{placeholder}</option> : null}
				{options.map((o) => (
					<option key={o.value} value={o.value}>
						{o.label}
					</option>
				))}
			</select>
			<ErrorList id={errorId} errors={errors} />
		</div>
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
