// The demo month's subsidies and due process (see prisma/demo-month.ts).
import type { DemoMonth } from '../demo-month.ts'

export async function seedDemoSubsidies(month: DemoMonth): Promise<void> {
	month.log('  demo month: subsidies (none yet)')
}
