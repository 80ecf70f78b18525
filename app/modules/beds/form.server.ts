import { parseWithZod } from '@conform-to/zod/v4'
import { data } from '@remix-run/node'
import type { z } from 'zod'
import type { Outcome } from '~/lib/outcome.ts'

export type FormReply = { intent: string; ok: boolean; fieldErrors: Record<string, string[]> }

/** Parses a form with its zod schema; on failure answers 400 with the field errors (i18n keys). */
export function parseForm<S extends z.ZodType>(formData: FormData, schema: S, intent: string): { ok: true; value: z.output<S> } | { ok: false; response: ReturnType<typeof data<FormReply>> } {
	const submission = parseWithZod(formData, { schema })
	if (submission.status === 'success') return { ok: true, value: submission.value as z.output<S> }
	const reply = submission.reply()
	const fieldErrors = Object.fromEntries(Object.entries(reply.error ?? {}).map(([k, v]) => [k, v ?? []]))
	return { ok: false, response: data({ intent, ok: false, fieldErrors }, { status: 400 }) }
}

/** Answers a module outcome: 200 with ok, or its 4xx status with the field errors. */
export function replyTo(intent: string, outcome: Outcome<unknown>) {
	if (outcome.ok) return data<FormReply>({ intent, ok: true, fieldErrors: {} })
	return data<FormReply>({ intent, ok: false, fieldErrors: outcome.fieldErrors }, { status: outcome.status })
}
