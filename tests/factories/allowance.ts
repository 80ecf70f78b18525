// Allowance (高龄津贴) test data: elders due the allowance in a given month, the city officers who
// start (maker) and approve (checker) a run, and waiting for a run's computation by the worker.
// Each allowance test uses months no other test runs, so its payments are its own.
import { prisma } from '~/lib/db.server.ts'
import type { AllowanceRunStatus } from '~/generated/prisma/enums.ts'
import { waitFor } from '../setup/processes.ts'
import { makeElderRow, Rng, yearsBefore } from './index.ts'

/** City civil-affairs officers: the maker starts a run, the checker approves it (four eyes). */
export const ALLOWANCE_MAKER = '13800000041'
export const ALLOWANCE_CHECKER = '13800000042'

const rng = new Rng(`allowance-${process.pid}-${Date.now()}`)

/**
 * An elder due the allowance in `month` ('YYYY-MM'): aged `age` on the 1st, certified alive that day,
 * resident, living in the same community as the family's first elder (a family's community officer
 * then sees both). Linked to that family when `linked`. No subsidy card unless `bankCardNumber` gives one
 * in full (or `bankCardRef` a legacy mask only).
 */
export async function makeAllowanceElder(opts: { month: string; age: number; familyPhone: string; linked?: boolean; name?: string; gender?: 'male' | 'female'; bankCardRef?: string | null; bankCardNumber?: string | null }) {
	const family = await prisma.user.findUniqueOrThrow({ where: { phone: opts.familyPhone }, select: { id: true } })
	const sibling = await prisma.elder.findFirstOrThrow({ where: { families: { some: { userId: family.id } }, communityId: { not: null } }, select: { districtId: true, communityId: true } })
	const region = (await prisma.district.findUniqueOrThrow({ where: { id: sibling.districtId }, select: { regionCode: true } })).regionCode ?? '420882'
	const first = `${opts.month}-01`
	const row = makeElderRow(rng, {
		districtId: sibling.districtId,
		regionCode: region,
		communityId: sibling.communityId,
		settlement: 'urban_community',
		birthDate: yearsBefore(first, opts.age),
		seq: (opts.gender === 'female' ? 102 : 101) + 2 * rng.int(0, 400),
		name: opts.name,
		lastLivenessAt: first,
		deathDate: null,
		residencyStatus: 'resident',
		bankCardRef: opts.bankCardRef ?? null,
		bankCardNumber: opts.bankCardNumber ?? null,
	})
	await prisma.elder.create({ data: { ...row, ...(opts.linked === false ? {} : { families: { create: { userId: family.id, relationship: 'child' } } }) } })
	return { id: row.id, districtId: row.districtId, communityId: row.communityId, familyUserId: family.id }
}

/** Waits until the worker has brought the run to `status` (by default: computed, awaiting approval). */
export async function waitForRun(runId: string, status: AllowanceRunStatus = 'awaiting_approval', timeoutMs = 60_000) {
	return waitFor(async () => {
		const run = await prisma.allowanceRun.findUniqueOrThrow({ where: { id: runId } })
		return run.status === status ? run : null
	}, { timeoutMs, what: `run ${runId} to be ${status}` })
}
