import { ServiceCategory, type PriceUnit, type ProviderKind } from '~/generated/prisma/enums.ts'

// Categories per kind of provider (domain.md: 居家 / 社区 / 机构).
export const CATEGORIES_BY_KIND: Record<ProviderKind, readonly ServiceCategory[]> = {
	home_care: ['meals', 'bathing', 'cleaning', 'medical_escort', 'emergency_response', 'mobility', 'nursing', 'rehabilitation', 'respite'],
	community_centre: ['day_care', 'canteen_meals', 'activities', 'short_stay'],
	institution: ['residential_stay', 'short_stay', 'respite'],
}

/**
 * Every service category, in the schema's order: the one list (the ServiceCategory enum of
 * schema.prisma), shared by the marketplace and subsidy policies.
 */
export const ALL_CATEGORIES = Object.values(ServiceCategory) as [ServiceCategory, ...ServiceCategory[]]

/** Home visits are the ones verified by check-in and check-out at the elder's home. */
export const HOME_VISIT_CATEGORIES: readonly ServiceCategory[] = CATEGORIES_BY_KIND.home_care

export const PRICE_UNITS = ['per_visit', 'hour', 'day', 'month'] as const satisfies readonly PriceUnit[]
export const PROVIDER_KINDS = ['home_care', 'community_centre', 'institution'] as const satisfies readonly ProviderKind[]
