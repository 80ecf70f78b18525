import { useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { z } from 'zod'
import { replyFor } from './forms.tsx'

/**
 * Conform's useForm for a form validated in the browser too, with the schema the action parses, so a
 * slip is named before anything is sent; fed with the action's reply when it is for this form.
 */
export function useCheckedForm<Schema extends z.ZodType<Record<string, unknown>, Record<string, unknown>>>(id: string, reply: unknown, schema: Schema, shouldRevalidate: 'onInput' | 'onBlur' = 'onInput') {
	return useForm({ id, lastResult: replyFor(reply, id), onValidate: ({ formData }) => parseWithZod(formData, { schema }), shouldRevalidate })
}
