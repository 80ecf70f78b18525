// Service categories a subsidy policy can cover: the marketplace's own (the ServiceCategory enum),
// so a policy's covered list and a booking's category compare directly.
import { ALL_CATEGORIES } from '~/modules/marketplace/categories.ts'

export const SERVICE_CATEGORIES = ALL_CATEGORIES
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number]

export function isServiceCategory(value: unknown): value is ServiceCategory {
	return typeof value === 'string' && (SERVICE_CATEGORIES as readonly string[]).includes(value)
}

export const ELDER_CATEGORIES = ['dibao', 'tekun', 'sanwu', 'youfu'] as const
export const DISABILITY_LEVELS = ['none', 'partial', 'full'] as const
export type DisabilityLevelName = (typeof DISABILITY_LEVELS)[number]
