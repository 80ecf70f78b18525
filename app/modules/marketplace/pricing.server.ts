// The one place a booking's price is split into the subsidy part and the family's co-pay.
// Subsidies (issue 4) plug in here: quoteBooking() decides the split, holdBookingSubsidy() reserves
// the credit inside the booking's transaction, releaseBookingSubsidy() gives it back inside the
// transaction that cancels, declines or expires the booking. Until then the subsidy part is zero.
import type { ServiceCategory } from '~/generated/prisma/enums.ts'
import type { Db, Tx } from '~/lib/db.server.ts'
import { assertFen, type Fen } from '~/lib/money.ts'
import { captureForBooking, holdForBooking, quoteSubsidy, releaseForBooking, reverseForBooking } from '~/modules/subsidies/booking.server.ts'

export type QuoteInput = {
	elderId: string
	providerId: string
	offeringId: string
	category: ServiceCategory
	/** The offering's list price for one booking, in fen. */
	priceFen: Fen
	startsAt: Date
}

export type Quote = {
	priceFen: Fen
	subsidyFen: Fen
	copayFen: Fen
	/** What the subsidy module wants recorded on the booking (e.g. a grant id); null without subsidy. */
	subsidyRef: string | null
}

/**
 * Splits the price. Called for display (outside a transaction) and again inside the booking
 * transaction, whose result is what the booking records. Must return priceFen = subsidyFen + copayFen
 * (the database refuses anything else).
 */
export async function quoteBooking(db: Db | Tx, input: QuoteInput): Promise<Quote> {
	const priceFen = assertFen(input.priceFen)
	const split = await quoteSubsidy(db, { elderId: input.elderId, category: input.category, priceFen, startsAt: input.startsAt })
	return { priceFen, subsidyFen: split.subsidyFen, copayFen: split.copayFen, subsidyRef: split.grantId }
}

export type HeldBooking = { id: string; elderId: string; providerId: string; startsAt: Date; priceFen: Fen; subsidyFen: Fen; subsidyRef: string | null }

/**
 * Inside the booking transaction, after the slot place is taken and the booking row written.
 * The subsidy module reserves credit here; throwing aborts the whole booking (nothing is written).
 */
export async function holdBookingSubsidy(tx: Tx, booking: HeldBooking): Promise<void> {
	await holdForBooking(tx, booking)
}

/** Inside the transaction that ends a booking without service (cancelled, declined, expired). */
export async function releaseBookingSubsidy(tx: Tx, booking: HeldBooking): Promise<void> {
	await releaseForBooking(tx, booking)
}

/** Inside the transaction that completes a booking (check-out): the held credit is spent. */
export async function captureBookingSubsidy(tx: Tx, booking: Pick<HeldBooking, 'id' | 'subsidyFen'>): Promise<void> {
	await captureForBooking(tx, booking)
}

/** Inside the transaction where the bureau rejects a flagged visit: captured credit goes back to the elder (once). */
export async function reverseBookingSubsidy(tx: Tx, booking: { id: string; familyUserId: string; elderName: string }): Promise<{ amountFen: number; txnId: string } | null> {
	return reverseForBooking(tx, booking)
}
