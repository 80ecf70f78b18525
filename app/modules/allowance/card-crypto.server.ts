import { seal, unseal } from '~/lib/aead.server.ts'
import { getEnv } from '~/lib/env.server.ts'

// Subsidy card numbers are sealed like identity numbers (app/lib/aead.server.ts) but under their
// own key, ALLOWANCE_CARD_KEY: the identity key alone opens no card, and the card key no identity.
let key: Buffer | undefined
const cardKey = () => (key ??= Buffer.from(getEnv().ALLOWANCE_CARD_KEY, 'base64'))

export function encryptCardNumber(digits: string): Uint8Array<ArrayBuffer> {
	return seal(cardKey(), digits)
}

export function decryptCardNumber(stored: Uint8Array): string {
	return unseal(cardKey(), stored)
}
