// Personal information (PIPL, 个人信息保护法): the notice's version, the consents the product records,
// and the forms of the "my personal information" page. Pure: the pages validate with them too.
import { z } from 'zod'

/** The version of the privacy notice (/privacy) a consent was given to; change it when the text changes. */
export const PRIVACY_NOTICE_VERSION = '2026-12-01'

/**
 * privacy_notice: the account holder accepted the notice at registration (art. 14).
 * elder_sensitive: a family confirmed that the elder, or the elder's guardian, agreed to the processing
 * of the elder's identity number, health and assessment information (art. 29, a separate consent).
 */
export const CONSENT_KINDS = ['privacy_notice', 'elder_sensitive'] as const
export type ConsentKind = (typeof CONSENT_KINDS)[number]

/** A box that must be ticked; the browser requires it, the server checks it (400 with `message`). */
export const consentBox = (message: string) => z.literal('on', { error: message })

export const closeAccountSchema = z.object({ intent: z.literal('close'), confirm: consentBox('errors.account.confirmClose') })

export const withdrawElderConsentSchema = z.object({
	intent: z.literal('withdraw'),
	elderId: z.uuid({ error: 'errors.consent.unknown' }),
	confirm: consentBox('errors.consent.confirmWithdraw'),
})

/** The most rows of one kind a copy of one's data carries (newest first); a family has far fewer. */
export const DATA_COPY_MAX_ROWS = 5000
