// The demo month's marketplace: bookings, visits, payments, reviews, claims, complaints (see prisma/demo-month.ts).
import type { DemoMonth } from '../demo-month.ts'

export async function seedDemoMarketplace(month: DemoMonth): Promise<void> {
	month.log('  demo month: marketplace (none yet)')
}
