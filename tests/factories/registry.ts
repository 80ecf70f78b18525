// The registry's builders: officers of a township, and a place (township + community) of one's own,
// so a test's geography changes touch nothing other test files read.
import { prisma } from '~/lib/db.server.ts'
import type { Role } from '~/generated/prisma/enums.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { makeUser } from './accounts.ts'

/** A new officer; a township officer serves `townshipId`, a community officer `communityId`. */
export async function makeOfficer(opts: { role: Role; districtId: string; townshipId?: string | null; communityId?: string | null; name?: string }): Promise<SessionUser> {
	const user = await makeUser({ role: opts.role, districtId: opts.districtId, communityId: opts.communityId ?? null, name: opts.name ?? '测试工作人员' })
	if (opts.townshipId) await prisma.user.update({ where: { id: user.id }, data: { townshipId: opts.townshipId } })
	return user
}

/** The township officer of the township a community belongs to. */
export async function townshipOfficerOf(communityId: string): Promise<SessionUser> {
	const community = await prisma.community.findUniqueOrThrow({ where: { id: communityId }, select: { districtId: true, townshipId: true } })
	return makeOfficer({ role: 'township_officer', districtId: community.districtId, townshipId: community.townshipId })
}

let placeSeq = 0
/** A fresh township with one community in a district (unique names and codes per file and call). */
export async function makePlace(districtId: string, kind: 'urban_community' | 'village' = 'urban_community') {
	const district = await prisma.district.findUniqueOrThrow({ where: { id: districtId }, select: { divisionCode: true } })
	placeSeq++
	// 3 digits of township (500–899, unused by the seed) from the pid and a counter.
	const townshipNo = 500 + ((process.pid * 7 + placeSeq * 13) % 400)
	const prefix = `${district.divisionCode!.slice(0, 6)}${townshipNo}`
	const existing = await prisma.township.findUnique({ where: { code: `${prefix}000` }, select: { id: true } })
	if (existing) return makePlace(districtId, kind)
	const township = await prisma.township.create({ data: { districtId, code: `${prefix}000`, nameZh: `测试镇${townshipNo}`, kind: 'township' }, select: { id: true, code: true } })
	const community = await prisma.community.create({
		data: { districtId, townshipId: township.id, code: `${prefix}001`, nameZh: `测试${kind === 'village' ? '村' : '社区'}${townshipNo}`, kind },
		select: { id: true, code: true, nameZh: true },
	})
	return { township, community }
}
