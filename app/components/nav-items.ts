import type { ProviderKind, Role } from '~/generated/prisma/enums.ts'

/** Main navigation per role; each capability adds its own entries here. Labels are i18n keys. */
type NavItem = { to: string; label: string; roles: readonly Role[]; /** provider staff only: the kinds of provider it serves */ providerKinds?: readonly ProviderKind[] }

export type NavUser = { role: Role; providerKind?: ProviderKind | null }

export const NAV_ITEMS: NavItem[] = [
	{ to: '/elders', label: 'nav.elders', roles: ['family', 'community_officer', 'township_officer', 'bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/staff', label: 'nav.staff', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/audit', label: 'nav.audit', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/allowance', label: 'allowance:nav.allowance', roles: ['family', 'community_officer', 'bureau_district', 'bureau_city'] },
	{ to: '/bureau/allowance', label: 'allowance:nav.runs', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/institution', label: 'beds:nav.institution', roles: ['provider_staff'], providerKinds: ['institution'] },
	{ to: '/stays', label: 'beds:nav.stays', roles: ['family'] },
	{ to: '/bureau/beds', label: 'beds:nav.dashboard', roles: ['bureau_district', 'bureau_city', 'admin'] },
	// marketplace
	{ to: '/services', label: 'marketplace:nav.services', roles: ['family', 'provider_staff', 'community_officer', 'bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bookings', label: 'marketplace:nav.bookings', roles: ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'] },
	{ to: '/provider', label: 'marketplace:nav.provider', roles: ['provider_staff'] },
	{ to: '/bureau/providers', label: 'marketplace:nav.providers', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/visits', label: 'marketplace:nav.visits', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/disputes', label: 'marketplace:nav.disputes', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/notifications', label: 'marketplace:nav.notifications', roles: ['family', 'provider_staff', 'community_officer', 'township_officer', 'bureau_district', 'bureau_city', 'admin'] },
	// subsidies
	{ to: '/subsidies', label: 'subsidies:nav.mine', roles: ['family'] },
	{ to: '/subsidies/review', label: 'subsidies:nav.review', roles: ['community_officer', 'township_officer'] },
	{ to: '/subsidies/approvals', label: 'subsidies:nav.approvals', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/subsidies/policies', label: 'subsidies:nav.policies', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/subsidies/budget', label: 'subsidies:nav.budget', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/subsidies/reports', label: 'subsidies:nav.reports', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/reports/monthly', label: 'nav.monthlyReport', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/subsidies/claims', label: 'subsidies:nav.claims', roles: ['provider_staff', 'bureau_district', 'bureau_city', 'admin'] },
	// registry
	{ to: '/bureau/geography', label: 'nav.geography', roles: ['bureau_district', 'bureau_city'] },
	// registry import (issue 10 item 3)
	{ to: '/registry/import', label: 'nav.registryImport', roles: ['community_officer', 'township_officer', 'bureau_district', 'bureau_city'] },
	// rights of the person that need an officer (PIPL arts. 44–50)
	{ to: '/registry/requests', label: 'nav.rightsRequests', roles: ['community_officer', 'township_officer', 'bureau_district', 'bureau_city'] },
	{ to: '/bureau/retention', label: 'nav.retention', roles: ['bureau_district', 'bureau_city'] },
	// statuses and capability assessment (issue 10)
	{ to: '/statuses/review', label: 'statuses:nav.review', roles: ['community_officer', 'township_officer', 'bureau_district', 'bureau_city'] },
	{ to: '/assessments', label: 'statuses:assessment.assess', roles: ['assessor', 'community_officer'] },
	{ to: '/bureau/assessment-orgs', label: 'statuses:orgs.nav', roles: ['bureau_district', 'bureau_city'] },
	{ to: '/bureau/assessment-scale', label: 'statuses:scale.nav', roles: ['bureau_city', 'admin'] },
	// due process (公示 / 复核)
	{ to: '/subsidies/due-process', label: 'subsidies:nav.dueProcess', roles: ['community_officer', 'township_officer', 'bureau_district', 'bureau_city', 'admin'] },
	{ to: '/subsidies/appeals', label: 'subsidies:nav.appeals', roles: ['family'] },
	// messaging
	{ to: '/admin/messages', label: 'nav.messages', roles: ['admin'] },
	// centres (issue 14)
	{ to: '/bureau/institutions', label: 'beds:facts.listTitle', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/complaints', label: 'marketplace:nav.complaints', roles: ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'] },
	{ to: '/centre/roll-call', label: 'marketplace:nav.rollCall', roles: ['provider_staff'], providerKinds: ['community_centre'] },
	// institutions: construction subsidy and grading (issue 14 items 3 and 6)
	{ to: '/bureau/construction', label: 'beds:nav.construction', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/grading', label: 'beds:nav.grading', roles: ['bureau_district', 'bureau_city', 'admin'] },
	// institutions: inspections and rectification (issue 14 item 7)
	{ to: '/bureau/inspections', label: 'beds:nav.inspections', roles: ['bureau_district', 'bureau_city', 'admin'] },
	// operating subsidy (issue 14 item 4)
	{ to: '/bureau/operating-subsidy', label: 'beds:operating.nav', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/institution/operating-subsidy', label: 'beds:operating.nav', roles: ['provider_staff'], providerKinds: ['institution'] },
]

/** The entries a user sees: by role, and for provider staff by the kind of their provider. */
export function navItemsFor(user: NavUser | null) {
	if (!user) return []
	return NAV_ITEMS.filter((item) => item.roles.includes(user.role) && (!item.providerKinds || (!!user.providerKind && item.providerKinds.includes(user.providerKind))))
}
