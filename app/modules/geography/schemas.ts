import { z } from 'zod'

// The forms of the geography page (bureau.geography.tsx): one intent per change. Messages are keys
// of the common catalogue's `geography` block.

const uuid = (field: string) => z.uuid({ error: `geography.errors.${field}` })
const nameZh = z.string({ error: 'geography.errors.nameRequired' }).trim().min(1, 'geography.errors.nameRequired').max(40, 'geography.errors.nameLong')
const code = z.string({ error: 'geography.errors.codeFormat' }).trim().regex(/^\d{12}$/, 'geography.errors.codeFormat')

export const TOWNSHIP_KINDS = ['street', 'township'] as const
export const SETTLEMENT_KINDS = ['urban_community', 'village'] as const

export const geographySchema = z.discriminatedUnion('intent', [
	z.object({ intent: z.literal('create-township'), districtId: z.string({ error: 'errors.district.required' }).trim().min(1, 'errors.district.required'), nameZh, kind: z.enum(TOWNSHIP_KINDS, { error: 'geography.errors.kind' }), code }),
	z.object({ intent: z.literal('rename-township'), townshipId: uuid('township'), nameZh }),
	z.object({ intent: z.literal('merge-township'), townshipId: uuid('township'), intoId: uuid('mergeInto') }),
	z.object({ intent: z.literal('retire-township'), townshipId: uuid('township') }),
	z.object({ intent: z.literal('create-community'), townshipId: uuid('township'), nameZh, kind: z.enum(SETTLEMENT_KINDS, { error: 'geography.errors.kind' }), code }),
	z.object({ intent: z.literal('rename-community'), communityId: uuid('community'), nameZh }),
	z.object({ intent: z.literal('merge-community'), communityId: uuid('community'), intoId: uuid('mergeInto') }),
	z.object({ intent: z.literal('retire-community'), communityId: uuid('community') }),
	z.object({ intent: z.literal('delete-community'), communityId: uuid('community') }),
	z.object({ intent: z.literal('move-community'), communityId: uuid('community'), townshipId: uuid('township') }),
])

export type GeographyInput = z.infer<typeof geographySchema>
