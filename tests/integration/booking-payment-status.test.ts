// The payment state a booking page polls while it waits for Stripe's webhook: the state alone, to
// whoever may see the booking; 404 to anyone else and for an id that is not one.
import { describe, expect, it } from 'vitest'
import { createBooking } from '~/modules/marketplace/booking-create.server.ts'
import * as paymentStatus from '~/routes/bookings.$bookingId_.payment-status.ts'
import { sessionUser } from '../factories/accounts.ts'
import { makeFamily, makeProvider, slotAt } from '../factories/marketplace.ts'
import { callLoader, signIn } from '../setup/route.ts'

describe('a booking’s payment state', () => {
	it('answers the family and the provider with the state alone, others 404', async () => {
		const provider = await makeProvider({ autoConfirm: false })
		const family = await makeFamily()
		const made = await createBooking(await sessionUser(family.phone), provider.offeringId, { idempotencyKey: crypto.randomUUID().replaceAll('-', ''), elderId: family.elderId, startsAt: slotAt(2), expectedPriceFen: provider.priceFen, expectedCopayFen: provider.priceFen, serviceAddress: '东宝区龙泉社区3栋2单元', note: '' })
		if (!made.ok) throw new Error(JSON.stringify(made))
		const id = made.value.bookingId
		const ask = async (phone: string, bookingId = id) => callLoader<{ paymentStatus: string }>(paymentStatus, `/bookings/${bookingId}/payment-status`, { as: await signIn(phone), params: { bookingId } })

		const own = await ask(family.phone)
		expect(own.status).toBe(200)
		expect(own.data).toEqual({ paymentStatus: 'awaiting' })
		expect(own.headers.get('cache-control')).toBe('no-store')
		expect((await ask(provider.staffPhone)).data).toEqual({ paymentStatus: 'awaiting' })
		expect((await ask((await makeFamily()).phone)).status).toBe(404)
		expect((await ask((await makeProvider()).staffPhone)).status).toBe(404)
		expect((await ask(family.phone, 'not-an-id')).status).toBe(404)
	})
})
