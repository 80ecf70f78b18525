// Allowance settings (tier amounts, liveness window, back-pay) change only with two officers: one
// city officer proposes a version, another approves it, and only then is it saved
// (saveSettingsVersion). See app/modules/auth/pending-changes.server.ts.
import type { Prisma } from '~/generated/prisma/client.ts'
import { fail, type Outcome } from '~/lib/outcome.ts'
import { prisma } from '~/lib/db.server.ts'
import { countChangesToDecide, decideChange, listPendingChanges, proposeChange } from '~/modules/auth/pending-changes.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { SettingsVersion } from './rules.ts'
import { saveSettingsVersion } from './runs.server.ts'

export async function proposeSettingsVersion(user: SessionUser, v: SettingsVersion, ip: string | null): Promise<Outcome<{ id: string }>> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	// Early answer for a month already paid; saving checks again under its lock.
	if (await prisma.allowanceRun.findFirst({ where: { status: { not: 'rejected' }, month: { gte: v.effectiveMonth } }, select: { id: true } })) return fail('allowance:errors.settings.monthAlreadyRun', 400)
	return proposeChange(user, 'allowance_settings', v as unknown as Prisma.InputJsonValue, v.effectiveMonth, ip)
}

export function pendingSettings(viewer: SessionUser) {
	return listPendingChanges(['allowance_settings'], viewer)
}

export async function countSettingsToDecide(viewer: SessionUser) {
	return viewer.role === 'bureau_city' ? countChangesToDecide(['allowance_settings'], viewer) : 0
}

/**
 * A second city officer decides. The version is saved by saveSettingsVersion, which takes its own
 * transaction (with its lock against run starts) while this decision holds the change's row lock,
 * so a concurrent decision on the same change waits and then finds it decided.
 */
export async function decideSettingsChange(user: SessionUser, input: { changeId: string; decision: 'approve' | 'reject'; note?: string | null }, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	return decideChange(user, input, ['allowance_settings'], async (change) => saveSettingsVersion(user, change.payload as unknown as SettingsVersion, ip), ip)
}
