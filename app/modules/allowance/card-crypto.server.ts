import { seal, unseal, unsealMany } from '~/lib/aead.server.ts'
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

/** Many cards at once (a bank file's page): one AES object for the batch, not one per card. */
export function decryptCardNumbers(stored: readonly Uint8Array[]): string[] {
	return unsealMany(cardKey(), stored)
}
