// Statuses and assessments for tests: an elder of one's own in a community, and the records the
// legacy columns stand for (the migration's and the seed's own function).
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { freeSequence, makeElderRow, Rng } from './index.ts'

const rng = new Rng(`statuses-${process.pid}-${Date.now()}`)

/** Turns every elder's `categories` / `disabilityLevel` columns into records (idempotent), as the seed does. */
export async function statusesFromColumns(day = shanghaiDate()) {
	await sql`SELECT elder_records_from_legacy_columns(${day}::date)`.run()
}

/** A new elder with no status and no assessment, in a community (and linked to a family account when given). */
export async function plainElder(communityId: string, opts: { familyUserId?: string; birthDate?: string } = {}) {
	const community = await prisma.community.findUniqueOrThrow({ where: { id: communityId }, select: { districtId: true, kind: true, district: { select: { regionCode: true } } } })
	const row = makeElderRow(rng, { districtId: community.districtId, regionCode: community.district.regionCode ?? '420802', communityId, settlement: community.kind, birthDate: opts.birthDate ?? '1944-04-04', seq: await freeSequence(community.district.regionCode ?? '420802', opts.birthDate ?? '1944-04-04'), categories: [], disabilityLevel: 'none', deathDate: null, residencyStatus: 'resident' })
	await prisma.elder.create({ data: { ...row, ...(opts.familyUserId ? { families: { create: { userId: opts.familyUserId, relationship: 'child' } } } : {}) } })
	return row.id
}
