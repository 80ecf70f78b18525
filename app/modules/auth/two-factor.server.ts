// Second factor for officers (bureau, community, institution staff and administrators): TOTP
// (RFC 6238, SHA-1, 6 digits, 30 s: what every authenticator app reads) through @epic-web/totp, the
// library the Epic Stack uses, plus ten one-time recovery codes stored as SHA-256 hashes. A sign-in
// whose password was right but whose second factor is still owed is a session row with
// `secondFactorPending`, which the session lookup does not accept (session.server.ts). Secrets are
// stored sealed (totp-secret.server.ts).
import { createHash, randomInt } from 'node:crypto'
import { generateTOTP, getTOTPAuthUri, verifyTOTP } from '@epic-web/totp'
import QRCode from 'qrcode'
import type { ProviderKind, Role } from '~/generated/prisma/enums.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { openTotpSecret, sealTotpSecret } from './totp-secret.server.ts'

export const TOTP = { algorithm: 'SHA-1', digits: 6, period: 30 } as const
export const TOTP_ISSUER = '颐养 Yiyang'
export const RECOVERY_CODE_COUNT = 10
/** How long a password-checked sign-in may wait for its second factor. */
export const SECOND_FACTOR_WINDOW_MS = 10 * 60 * 1000

/** Officers: every account except families and the staff of home-care providers and community centres. */
export function isOfficer(user: { role: Role; providerKind?: ProviderKind | null }) {
	if (user.role === 'family') return false
	if (user.role === 'provider_staff') return user.providerKind === 'institution'
	return true
}

/** The same rule in SQL, for the session lookup (`u` the user, `p` their provider). */
export const OFFICER_SQL = `(u.role::text NOT IN ('family', 'provider_staff') OR (u.role::text = 'provider_staff' AND p.kind::text = 'institution'))`

export async function newTotpSecret() {
	const { secret } = await generateTOTP(TOTP)
	return secret
}

/** What the enrolment page shows: the otpauth URI as a QR code (an SVG data URL) and the secret to type. */
export async function enrolmentOf(secret: string, accountName: string) {
	const uri = getTOTPAuthUri({ ...TOTP, secret, accountName, issuer: TOTP_ISSUER })
	const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
	return { uri, secret, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` }
}

/** The time step a valid code belongs to, or null. */
export async function totpStepOf(secret: string, code: string, now = Date.now()): Promise<number | null> {
	if (!/^\d{6}$/.test(code)) return null
	const result = await verifyTOTP({ otp: code, secret, ...TOTP, window: 1 })
	return result ? Math.floor(now / 1000 / TOTP.period) + result.delta : null
}

const hashCode = (code: string) => createHash('sha256').update(code.toLowerCase().replace(/[^a-z0-9]/g, '')).digest('hex')

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
function recoveryCode() {
	const part = () => Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')
	return `${part()}-${part()}`
}

/** Replaces the user's recovery codes with fresh ones; the codes are returned once, to show. */
export async function issueRecoveryCodes(userId: string, tx: Parameters<Parameters<typeof transaction>[0]>[0]): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode)
	await tx.recoveryCode.deleteMany({ where: { userId } })
	await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashCode(c) })) })
	return codes
}

/**
 * Checks a second factor for an enrolled user: a TOTP code (each time step accepted once, by a
 * conditional update) or an unused recovery code (used up by a conditional update).
 */
export async function verifySecondFactor(userId: string, code: string): Promise<'totp' | 'recovery' | null> {
	const user = await prisma.user.findUnique({ where: { id: userId }, select: { totpSecret: true } })
	if (!user?.totpSecret) return null
	const step = await totpStepOf(openTotpSecret(user.totpSecret), code)
	if (step !== null) {
		const n = await sql`UPDATE app_user SET "totpLastCounter" = ${step} WHERE id = ${userId}::uuid AND ("totpLastCounter" IS NULL OR "totpLastCounter" < ${step})`.run()
		return n === 1 ? 'totp' : null
	}
	if (!/^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code)) return null
	const n = await sql`UPDATE recovery_code SET "usedAt" = now() WHERE "userId" = ${userId}::uuid AND "codeHash" = ${hashCode(code)} AND "usedAt" IS NULL`.run()
	return n === 1 ? 'recovery' : null
}

/** Whether the user has a second factor set up. */
export async function hasSecondFactor(userId: string) {
	const user = await prisma.user.findUnique({ where: { id: userId }, select: { totpSecret: true } })
	return Boolean(user?.totpSecret)
}

/** How long after an invitation's link expires its account may still enrol a second factor. */
export const ENROLMENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000

/**
 * Whether an account that has no second factor may no longer enrol one: it was given an invitation
 * (created, or its sign-in reset) and the link expired more than ENROLMENT_WINDOW_MS ago. Whoever
 * learned the password meanwhile must not be the one to bind an authenticator: the account needs a
 * new invitation. Accounts never invited (made before invitations existed) keep enrolling at sign-in.
 */
export async function enrolmentClosed(userId: string, now = Date.now()): Promise<boolean> {
	const latest = await prisma.userInvitation.findFirst({ where: { userId }, orderBy: { expiresAt: 'desc' }, select: { expiresAt: true } })
	return latest !== null && latest.expiresAt.getTime() + ENROLMENT_WINDOW_MS < now
}

/** The secret being enrolled: kept on the user until a first code proves the app holds it. */
export async function pendingEnrolment(userId: string) {
	const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { totpPendingSecret: true, phone: true } })
	const secret = user.totpPendingSecret ? openTotpSecret(user.totpPendingSecret) : await newTotpSecret()
	if (!user.totpPendingSecret) await prisma.user.update({ where: { id: userId }, data: { totpPendingSecret: sealTotpSecret(secret) } })
	return enrolmentOf(secret, user.phone)
}

/** Completes enrolment with a first code; returns the recovery codes to show once, or null for a wrong code. */
export async function completeEnrolment(userId: string, code: string): Promise<string[] | null> {
	const user = await prisma.user.findUnique({ where: { id: userId }, select: { totpPendingSecret: true, totpSecret: true } })
	if (!user?.totpPendingSecret || user.totpSecret) return null
	const step = await totpStepOf(openTotpSecret(user.totpPendingSecret), code)
	if (step === null) return null
	return transaction(async (tx) => {
		const n = await sql`UPDATE app_user SET "totpSecret" = "totpPendingSecret", "totpPendingSecret" = NULL, "totpEnabledAt" = now(), "totpLastCounter" = ${step}
			WHERE id = ${userId}::uuid AND "totpSecret" IS NULL AND "totpPendingSecret" = ${user.totpPendingSecret}`.run(tx)
		if (n !== 1) return null
		return issueRecoveryCodes(userId, tx)
	})
}
