import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { formatFen } from '~/lib/money.ts'

/** A form-level message (i18n key) in an alert region, or nothing. */
export function FormMessage({ error, ok }: { error?: string | null; ok?: ReactNode }) {
	const { t } = useTranslation()
	if (error) {
		return (
			<p className="form-error" role="alert">
				{t(error)}
			</p>
		)
	}
	return ok ? (
		<p className="notice" role="status">
			{ok}
		</p>
	) : null
}

/** A group of checkboxes with a legend: large targets, one label per box. */
export function CheckboxGroup({ legend, name, options, defaultValues = [], errors }: { legend: string; name: string; options: { value: string; label: string }[]; defaultValues?: readonly string[]; errors?: string[] }) {
	const { t } = useTranslation()
	return (
		<fieldset className="field checkbox-group" aria-invalid={errors?.length ? true : undefined}>
			<legend>{legend}</legend>
			<div className="checkboxes">
				{options.map((o) => (
					<label key={o.value} className="checkbox">
						<input type="checkbox" name={name} value={o.value} defaultChecked={defaultValues.includes(o.value)} />
						{o.label}
					</label>
				))}
			</div>
			{errors?.length ? (
				<ul className="field-errors">
					{errors.map((e) => (
						<li key={e}>{t(e)}</li>
					))}
				</ul>
			) : null}
		</fieldset>
	)
}

/** The one Money of the UI kit (app/components/ui.tsx). */
export { Money } from './ui.tsx'

/**
 * Server-rendered bar chart of monthly spending. The SVG is labelled as one image with a text
 * summary; the same figures are in the table beside it for screen readers and for reading exactly.
 */
export function MonthlyBarChart({ title, summary, data, locale }: { title: string; summary: string; data: { month: string; spentFen: number }[]; locale: string }) {
	const width = 720
	const height = 300
	const pad = { left: 80, right: 16, top: 16, bottom: 48 }
	const max = Math.max(1, ...data.map((d) => d.spentFen))
	const step = (width - pad.left - pad.right) / data.length
	const barW = Math.max(8, step * 0.6)
	const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max)
	const ticks = [0, 0.5, 1].map((f) => Math.round(max * f))
	return (
		<svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="chart-title chart-desc" className="chart">
			<title id="chart-title">{title}</title>
			<desc id="chart-desc">{summary}</desc>
			{ticks.map((v) => (
				<g key={v}>
					<line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} stroke="#6b6b6b" strokeWidth={1} strokeDasharray={v === 0 ? undefined : '4 4'} />
					<text x={pad.left - 8} y={y(v) + 5} textAnchor="end" fontSize={14} fill="#111">
						{formatFen(v, locale)}
					</text>
				</g>
			))}
			{data.map((d, i) => {
				const x = pad.left + i * step + (step - barW) / 2
				return (
					<g key={d.month}>
						<rect x={x} y={y(d.spentFen)} width={barW} height={height - pad.bottom - y(d.spentFen)} fill="#8a1c1c" />
						<text x={x + barW / 2} y={height - pad.bottom + 20} textAnchor="middle" fontSize={14} fill="#111">
							{d.month.slice(5)}
						</text>
					</g>
				)
			})}
		</svg>
	)
}
