import { hash, verify } from '@node-rs/argon2'

// Argon2id (algorithm 2) with OWASP's recommended memory and time costs.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string) {
	return hash(password, OPTIONS)
}

export async function verifyPassword(passwordHash: string, password: string) {
	try {
		return await verify(passwordHash, password)
	} catch {
		return false
	}
}

/** Burns the same time as a real verification, so unknown phones cannot be told apart by timing. */
let dummyHash: Promise<string> | undefined
export async function verifyAgainstDummy(password: string) {
	dummyHash ??= hashPassword('dummy-password-for-timing-1')
	await verifyPassword(await dummyHash, password)
	return false
}
