import type { Role } from '~/generated/prisma/enums.ts'

/** Main navigation per role; each capability adds its own entries here. Labels are i18n keys. */
export const NAV_ITEMS: { to: string; label: string; roles: readonly Role[] }[] = [
	{ to: '/elders', label: 'nav.elders', roles: ['family', 'community_officer', 'bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/staff', label: 'nav.staff', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/bureau/audit', label: 'nav.audit', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/allowance', label: 'allowance:nav.allowance', roles: ['family', 'community_officer', 'bureau_district', 'bureau_city'] },
	{ to: '/bureau/allowance', label: 'allowance:nav.runs', roles: ['bureau_district', 'bureau_city', 'admin'] },
	{ to: '/institution', label: 'beds:nav.institution', roles: ['provider_staff'] },
	{ to: '/stays', label: 'beds:nav.stays', roles: ['family'] },
	{ to: '/bureau/beds', label: 'beds:nav.dashboard', roles: ['bureau_district', 'bureau_city', 'admin'] },
]
