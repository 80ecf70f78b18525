import { z } from 'zod'

export const LIFE_EVENT_KINDS = ['death', 'moved_out', 'moved_in'] as const
export type LifeEventKind = (typeof LIFE_EVENT_KINDS)[number]

/** A calendar date that exists (2026-02-30 does not), as 'YYYY-MM-DD'; null when it is not one. */
export function realDate(v: string): string | null {
	const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(v.trim())
	if (!m) return null
	const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
	const t = Date.parse(`${iso}T00:00:00Z`)
	return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso ? null : iso
}

/** Why a date cannot be an event of a person born on `birthDate`, judged on `today` (Shanghai); null when it can. */
export function impossibleDate(on: string, birthDate: string, today: string): 'future' | 'beforeBirth' | null {
	if (on > today) return 'future'
	if (on < birthDate) return 'beforeBirth'
	return null
}

/** The officer's form on the elder's page: a death (with its source document) or a move. */
export function recordLifeEventSchema(today: string) {
	return z
		.object({
			kind: z.enum(LIFE_EVENT_KINDS, { error: 'lifeEvents.errors.kind' }),
			occurredOn: z
				.string({ error: 'lifeEvents.errors.dateRequired' })
				.trim()
				.transform((v, ctx) => {
					const d = realDate(v)
					if (!d) {
						ctx.addIssue({ code: 'custom', message: 'lifeEvents.errors.dateInvalid' })
						return z.NEVER
					}
					if (d > today) {
						ctx.addIssue({ code: 'custom', message: 'lifeEvents.errors.dateFuture' })
						return z.NEVER
					}
					return d
				}),
			reference: z
				.string()
				.trim()
				.max(100, 'lifeEvents.errors.referenceLong')
				.optional()
				.transform((v) => v || null),
		})
		.superRefine((v, ctx) => {
			// A death is recorded from something: the death certificate, the hospital, the village committee.
			if (v.kind === 'death' && !v.reference) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'lifeEvents.errors.sourceRequired' })
		})
}
export type RecordLifeEventInput = z.output<ReturnType<typeof recordLifeEventSchema>>

export const confirmDeathSchema = z.object({
	eventId: z.uuid({ error: 'lifeEvents.errors.notFound' }),
	decision: z.enum(['confirm', 'reject'], { error: 'lifeEvents.errors.decision' }),
	note: z
		.string()
		.trim()
		.max(200, 'lifeEvents.errors.referenceLong')
		.optional()
		.transform((v) => v || null),
})
export type ConfirmDeathInput = z.output<typeof confirmDeathSchema>
