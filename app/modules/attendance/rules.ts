import type { ServiceCategory } from '~/generated/prisma/enums.ts'

/** Services at a community centre that complete by attendance (arrival and departure at the centre). */
export const ATTENDANCE_CATEGORIES: readonly ServiceCategory[] = ['day_care', 'canteen_meals', 'activities']
/** Stays that complete by the institution's admission and discharge records. */
export const STAY_CATEGORIES: readonly ServiceCategory[] = ['short_stay', 'residential_stay']
