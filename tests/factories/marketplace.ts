// Marketplace test data: providers with an offering and a weekly schedule, families with elders,
// signed-in HTTP clients. Written straight to the database (setup, not the behaviour under test).
import { prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { DEMO_PASSWORD } from '../../prisma/seed-data.ts'
import { HttpClient } from '../setup/http.ts'
import { TEST_PASSWORD, testPasswordHash as pw, uniquePhone } from './accounts.ts'
import { addDays, makeElder, Rng } from './index.ts'

export { TEST_PASSWORD, uniquePhone }

const rng = new Rng(`market-${process.pid}-${Date.now()}`)

export async function dongbaoCommunity() {
	return prisma.community.findFirstOrThrow({ where: { districtId: 'dongbao', kind: 'urban_community' }, select: { id: true } })
}

export type TestProvider = { providerId: string; offeringId: string; staffPhone: string; staffId: string; priceFen: number }

/** An approved home-care provider in 东宝区 with one offering: every day 08:00–20:00, `capacity` at once. `districtsServed` adds served districts beyond 东宝区. */
export async function makeProvider(opts: { districtsServed?: string[]; capacity?: number; autoConfirm?: boolean; status?: 'approved' | 'pending'; priceFen?: number; durationMinutes?: number; freeCancelHours?: number; lateCancelFeePercent?: number; holdMinutes?: number } = {}): Promise<TestProvider> {
	const staffPhone = uniquePhone()
	const priceFen = opts.priceFen ?? 8800
	const provider = await prisma.provider.create({
		data: {
			name: `测试居家养老服务${rng.digits(6)}`,
			kind: 'home_care',
			licenceNo: `T-${rng.digits(10)}`,
			districtId: 'dongbao',
			phone: '0724-1234567',
			status: opts.status ?? 'approved',
			grade: 4,
			districtsServed: { create: [...new Set(['dongbao', ...(opts.districtsServed ?? [])])].map((districtId) => ({ districtId })) },
			profile: {
				create: {
					autoConfirm: opts.autoConfirm ?? true,
					freeCancelHours: opts.freeCancelHours ?? 24,
					lateCancelFeePercent: opts.lateCancelFeePercent ?? 30,
					holdMinutes: opts.holdMinutes ?? 720,
				},
			},
			offerings: {
				create: {
					category: 'bathing',
					title: '上门助浴测试',
					description: '护理员上门协助洗浴',
					priceFen,
					unit: 'per_visit',
					durationMinutes: opts.durationMinutes ?? 60,
					districtIds: ['dongbao'],
					rules: { create: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 8 * 60, endMinute: 20 * 60, capacity: opts.capacity ?? 2 })) },
				},
			},
		},
		select: { id: true, offerings: { select: { id: true } } },
	})
	// The provider's manager, as the applicant who registered it is.
	const staff = await prisma.user.create({ data: { phone: staffPhone, name: '护理员王芳', passwordHash: await pw(), role: 'provider_staff', providerId: provider.id, districtId: 'dongbao', providerManager: true }, select: { id: true } })
	return { providerId: provider.id, offeringId: provider.offerings[0]!.id, staffPhone, staffId: staff.id, priceFen }
}

export type TestFamily = { userId: string; phone: string; elderId: string }

/** A family account caring for one elder in 东宝区. */
export async function makeFamily(): Promise<TestFamily> {
	const phone = uniquePhone()
	const community = await dongbaoCommunity()
	const today = shanghaiDate()
	const { row } = makeElder(rng, {
		districtId: 'dongbao',
		regionCode: '420802',
		communityId: community.id,
		settlement: 'urban_community',
		birthDate: addDays('1935-01-01', rng.int(0, 7000)),
		seq: rng.int(1, 998),
		today,
	})
	const user = await prisma.user.create({
		data: { phone, name: '家属测试', passwordHash: await pw(), role: 'family', elders: { create: { relationship: 'child', elder: { create: row } } } },
		select: { id: true },
	})
	return { userId: user.id, phone, elderId: row.id }
}

/** A signed-in client; demo accounts (1380000xxxx) use the demo password. */
export async function signIn(baseUrl: string, phone: string) {
	const client = new HttpClient(baseUrl)
	await client.login(phone, phone.startsWith('1380000') ? DEMO_PASSWORD : TEST_PASSWORD)
	return client
}

/** The next slot start (ISO) on a given number of days ahead at a Shanghai time. */
export function slotAt(daysAhead: number, time = '10:00') {
	return new Date(`${addDays(shanghaiDate(), daysAhead)}T${time}:00+08:00`).toISOString()
}

export function bookingFields(f: TestFamily, p: TestProvider, startsAt: string, key = crypto.randomUUID().replaceAll('-', '')) {
	return { idempotencyKey: key, elderId: f.elderId, startsAt, expectedPriceFen: String(p.priceFen), expectedCopayFen: String(p.priceFen), serviceAddress: '东宝区龙泉社区3栋2单元', note: '' }
}
