import { describe, expect, it } from 'vitest'
import { recordStatusSchema } from '~/modules/statuses/schemas.ts'

// 特困 persons choose concentrated or dispersed support; no other status has a form of support.
const base = { validFrom: '2026-01-01', source: '东民特困〔2026〕3号' }

describe('the form of support of a 特困 status', () => {
	it('is kept for 特困 and may be left unrecorded', () => {
		expect(recordStatusSchema.parse({ ...base, kind: 'tekun', supportMode: 'concentrated' }).supportMode).toBe('concentrated')
		expect(recordStatusSchema.parse({ ...base, kind: 'tekun', supportMode: '' }).supportMode).toBeNull()
	})

	it('is refused for any other status, and anything but the two forms is refused', () => {
		const other = recordStatusSchema.safeParse({ ...base, kind: 'dibao', supportMode: 'dispersed' })
		expect(other.success).toBe(false)
		expect(other.error?.issues.map((i) => i.message)).toContain('statuses:errors.supportMode.onlyTekun')
		expect(recordStatusSchema.safeParse({ ...base, kind: 'tekun', supportMode: 'both' }).success).toBe(false)
	})
})
