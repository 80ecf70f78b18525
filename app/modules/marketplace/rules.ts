// Pure booking rules: the state machine and the cancellation policy.
import type { BookingStatus } from '~/generated/prisma/enums.ts'
import type { Fen } from '~/lib/money.ts'

/** Which states each transition may start from. The database UPDATE checks the same list. */
export const TRANSITIONS = {
	confirm: ['requested'],
	decline: ['requested'],
	cancel: ['requested', 'confirmed'],
	expire: ['requested'],
	checkIn: ['confirmed'],
	checkOut: ['in_service'],
	noShow: ['confirmed'],
	dispute: ['completed'],
} as const satisfies Record<string, readonly BookingStatus[]>

export type Transition = keyof typeof TRANSITIONS

/** States after which the booking no longer occupies its place. */
export const RELEASING: readonly BookingStatus[] = ['cancelled', 'declined', 'expired']

export type CancellationTerms = { freeCancelHours: number; lateCancelFeePercent: number }

/** A provider's booking terms until it sets its own (the same defaults as provider_profile's columns). */
export const DEFAULT_BOOKING_TERMS = { autoConfirm: false, holdMinutes: 720, freeCancelHours: 24, lateCancelFeePercent: 30 } as const

/** The range a provider may set each term within: the form's inputs and the schema read the same bounds. */
export const BOOKING_TERM_LIMITS = {
	holdMinutes: { min: 5, max: 10_080 },
	freeCancelHours: { min: 0, max: 720 },
	lateCancelFeePercent: { min: 0, max: 100 },
} as const

/**
 * Fee for cancelling at `now` a booking starting at `startsAt`: free until freeCancelHours before the
 * start, then lateCancelFeePercent of what the family pays (rounded down to whole fen).
 */
export function cancellationFee(opts: { copayFen: Fen; startsAt: Date; now: Date; terms: CancellationTerms; byProvider?: boolean }): Fen {
	if (opts.byProvider) return 0
	const freeUntil = opts.startsAt.getTime() - opts.terms.freeCancelHours * 3_600_000
	if (opts.now.getTime() < freeUntil) return 0
	return Math.floor((opts.copayFen * opts.terms.lateCancelFeePercent) / 100)
}

/** The hold of a requested booking ends after holdMinutes, and never after the start. */
export function holdExpiry(now: Date, holdMinutes: number, startsAt: Date): Date {
	return new Date(Math.min(now.getTime() + holdMinutes * 60_000, startsAt.getTime()))
}

/** Great-circle distance in metres (visit verification: was the caregiver at the elder's home?). */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
	const R = 6_371_000
	const toRad = (d: number) => (d * Math.PI) / 180
	const dLat = toRad(b.lat - a.lat)
	const dLng = toRad(b.lng - a.lng)
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLng / 2) ** 2
	return 2 * R * Math.asin(Math.sqrt(h))
}

export const VISIT_RULES = {
	/** Checked in later than this after the start: "late". */
	lateAfterMinutes: 15,
	/** Checked in earlier than this before the start is refused. */
	earliestCheckInMinutes: 60,
	/** Shorter than this share of the booked duration: "too_short". */
	minShareOfDuration: 0.5,
	/** Farther than this from the home location: "wrong_place". */
	maxDistanceMetres: 300,
}

export type VisitFlag = 'too_short' | 'late' | 'wrong_place' | 'admitted' | 'overlap'

/** Flags known at check-in. */
export function checkInFlags(opts: { at: Date; startsAt: Date; placeOk: boolean; overlaps: boolean }): VisitFlag[] {
	const flags: VisitFlag[] = []
	if (opts.at.getTime() > opts.startsAt.getTime() + VISIT_RULES.lateAfterMinutes * 60_000) flags.push('late')
	if (!opts.placeOk) flags.push('wrong_place')
	if (opts.overlaps) flags.push('overlap')
	return flags
}

/** Flags added at check-out. */
export function checkOutFlags(opts: { checkInAt: Date; checkOutAt: Date; durationMinutes: number; placeOk: boolean; admitted: boolean }): VisitFlag[] {
	const flags: VisitFlag[] = []
	const minutes = (opts.checkOutAt.getTime() - opts.checkInAt.getTime()) / 60_000
	if (minutes < opts.durationMinutes * VISIT_RULES.minShareOfDuration) flags.push('too_short')
	if (!opts.placeOk) flags.push('wrong_place')
	if (opts.admitted) flags.push('admitted')
	return flags
}
