// What text the product accepts from anyone (forms, query strings).

/**
 * C0 and C1 control characters other than tab and line breaks, zero-width characters, and the
 * bidirectional overrides and isolates (which make text read differently from what it is: "Trojan
 * Source"), and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB]/
const LINE_BREAKS = /[\t\r\n\u2028\u2029]/

/** For multi-line text (reasons, notes, statements): no control characters; tabs and line breaks are fine. */
export const hasNoControlChars = (v: string) => !CONTROL_CHARS.test(v)
/** For single-line text (names, titles, ids): no control characters, tabs or line breaks. */
export const isSingleLine = (v: string) => !CONTROL_CHARS.test(v) && !LINE_BREAKS.test(v)

/** A mainland mobile number (what an SMS can reach): 11 digits starting 13–19. */
export const MOBILE_NUMBER = /^1[3-9]\d{9}$/

/** A mobile number as pages and logs show it: 138****5678. */
export function maskPhone(phone: string) {
	return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone
}

/** What a closed account keeps in place of its number (it must stay unique): `closed:<user id>`. */
export const closedAccountPhone = (userId: string) => `closed:${userId}`
export const isClosedAccountPhone = (phone: string) => phone.startsWith('closed:')
