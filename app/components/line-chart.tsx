import { useId } from 'react'

export type ChartPoint = { label: string; value: number | null }

/**
 * A small server-rendered SVG line chart with a target line. Screen readers get the title and a
 * summary; the same numbers are in a table beside it (see the caller), so nothing is only visual.
 */
export function LineChart({ title, summary, points, target, format, targetLabel }: { title: string; summary: string; points: ChartPoint[]; target?: number; format: (v: number) => string; targetLabel?: string }) {
	const id = useId()
	const W = 640
	const H = 240
	const pad = { l: 56, r: 36, t: 16, b: 40 }
	const values = points.map((p) => p.value).filter((v): v is number => v !== null)
	// A round top for the axis (e.g. 40, 50), a little above the highest value or target.
	const top = Math.max(...values, target ?? 0) * 1.1 || 1
	const unit = 10 ** Math.floor(Math.log10(top)) / 2
	const max = Math.ceil(top / unit) * unit
	const min = 0
	const x = (i: number) => pad.l + (points.length <= 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (points.length - 1))
	const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - (v - min) / (max - min))
	const path = points
		.map((p, i) => (p.value === null ? null : `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`))
		.filter(Boolean)
		.join(' ')
	const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => min + f * (max - min))
	const every = Math.max(1, Math.ceil(points.length / 8))
	return (
		<figure className="chart">
			<svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} width="100%">
				<title id={`${id}-t`}>{title}</title>
				<desc id={`${id}-d`}>{summary}</desc>
				{ticks.map((v) => (
					<g key={v}>
						<line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} stroke="#c8c8c8" strokeWidth="1" />
						<text x={pad.l - 6} y={y(v) + 5} textAnchor="end" fontSize="13" fill="#333">
							{format(v)}
						</text>
					</g>
				))}
				{target !== undefined ? (
					<g>
						<line x1={pad.l} x2={W - pad.r} y1={y(target)} y2={y(target)} stroke="#b3261e" strokeWidth="2" strokeDasharray="8 5" />
						<text x={W - pad.r} y={y(target) - 6} textAnchor="end" fontSize="13" fill="#8c1d18">
							{targetLabel ?? format(target)}
						</text>
					</g>
				) : null}
				{path ? <polyline points={path} fill="none" stroke="#0b5394" strokeWidth="3" /> : null}
				{points.map((p, i) =>
					p.value === null ? null : <circle key={p.label} cx={x(i)} cy={y(p.value)} r="4" fill="#0b5394" />,
				)}
				{points.map((p, i) =>
					i % every === 0 || i === points.length - 1 ? (
						<text key={`l-${p.label}`} x={x(i)} y={H - pad.b + 20} textAnchor="middle" fontSize="12" fill="#333">
							{p.label}
						</text>
					) : null,
				)}
			</svg>
			<figcaption>{title}</figcaption>
		</figure>
	)
}
