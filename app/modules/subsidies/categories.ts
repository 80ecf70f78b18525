// Who a subsidy policy is for. The service categories a policy covers are the ServiceCategory enum
// of schema.prisma (listed once, in marketplace/categories.ts), so a policy and a booking compare directly.
export const ELDER_CATEGORIES = ['dibao', 'tekun', 'sanwu', 'youfu'] as const
export const DISABILITY_LEVELS = ['none', 'partial', 'full'] as const
export type DisabilityLevelName = (typeof DISABILITY_LEVELS)[number]
