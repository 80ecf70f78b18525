// Service categories a subsidy policy can cover. The keys are the marketplace's service categories
// (home-based 居家, community 社区, institutional 机构); labels live in the `subsidies` catalogue.
export const SERVICE_CATEGORIES = [
	'meals',
	'bathing',
	'cleaning',
	'medical_escort',
	'emergency',
	'mobility',
	'nursing',
	'rehabilitation',
	'respite',
	'day_care',
	'canteen',
	'activities',
	'short_stay',
	'residential',
] as const

export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number]

export function isServiceCategory(value: unknown): value is ServiceCategory {
	return typeof value === 'string' && (SERVICE_CATEGORIES as readonly string[]).includes(value)
}

export const ELDER_CATEGORIES = ['dibao', 'tekun', 'sanwu', 'youfu'] as const
export const DISABILITY_LEVELS = ['none', 'partial', 'full'] as const
export type DisabilityLevelName = (typeof DISABILITY_LEVELS)[number]
