// Beds test data: registered elders with a known identity number (institution staff find elders by
// it), rooms of vacant beds, the demo institution. Written straight to the database.
import { prisma } from '~/lib/db.server.ts'
import type { BedType } from '~/generated/prisma/enums.ts'
import { encryptIdNumber, hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber, maskIdNumber } from '~/modules/identity/id-number.ts'
import { makeUser } from './accounts.ts'

/** The demo institution's staff member (13800000012) and its provider. */
export const DEMO_INSTITUTION_STAFF = '13800000012'

export async function demoInstitution() {
	const staff = await prisma.user.findUniqueOrThrow({ where: { phone: DEMO_INSTITUTION_STAFF }, select: { id: true, providerId: true } })
	return { providerId: staff.providerId!, staffUserId: staff.id }
}

/** Another approved institution than the demo staff's. */
export async function otherInstitution(providerId: string) {
	return (await prisma.provider.findFirstOrThrow({ where: { kind: 'institution', id: { not: providerId }, status: 'approved' }, select: { id: true } })).id
}

/** A new staff member of an institution. */
export function makeInstitutionStaff(providerId: string) {
	return makeUser({ role: 'provider_staff', name: '测试员', providerId, districtId: 'dongbao' })
}

let seq = 0
/** A registered Dongbao elder (born 1940-05-12) with a fresh valid identity number. */
export async function makeRegisteredElder(name = '王秀兰'): Promise<{ id: string; idNumber: string }> {
	for (;;) {
		const idNumber = makeIdNumber('420802', '1940-05-12', 100 + ((process.pid * 7 + seq++) % 800))
		const hash = hashIdNumber(idNumber)
		if (await prisma.elder.findUnique({ where: { idNumberHash: hash }, select: { id: true } })) continue
		const elder = await prisma.elder.create({
			data: { idNumberCipher: encryptIdNumber(idNumber), idNumberHash: hash, idNumberMasked: maskIdNumber(idNumber), name, gender: 'female', birthDate: new Date('1940-05-12T00:00:00Z'), districtId: 'dongbao', settlement: 'urban_community' },
			select: { id: true },
		})
		return { id: elder.id, idNumber }
	}
}

let roomSeq = 0
/**
 * A new room of `count` vacant beds at the provider, as the inventory page makes them (labels
 * `<room>-1`, `<room>-2`, …, a 'created' bed event each); returns the bed ids in label order.
 */
export async function makeRoomWithBeds(providerId: string, count: number, opts: { type?: BedType; monthlyPriceFen?: number; floor?: number; actorId?: string } = {}) {
	const name = `T${process.pid % 10000}-${Date.now() % 100000}-${roomSeq++}`
	const type = opts.type ?? 'nursing'
	const monthlyPriceFen = opts.monthlyPriceFen ?? 320_050
	const room = await prisma.room.create({ data: { providerId, name, floor: opts.floor ?? 3 }, select: { id: true } })
	const bedIds: string[] = []
	for (let i = 1; i <= count; i++) {
		const bed = await prisma.bed.create({ data: { providerId, roomId: room.id, label: `${name}-${i}`, type, monthlyPriceFen }, select: { id: true } })
		await prisma.bedEvent.create({ data: { bedId: bed.id, providerId, kind: 'created', toStatus: 'vacant', actorId: opts.actorId ?? null, details: { type, monthlyPriceFen } } })
		bedIds.push(bed.id)
	}
	return { roomId: room.id, name, bedIds }
}
