// Builders of test data, one file per capability (accounts, marketplace, beds, allowance). The
// random-data generators they share with the seed live in prisma/generators.ts.
export * from '../../prisma/generators.ts'

// ---- identity numbers a test may create

import { prisma } from '~/lib/db.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { makeIdNumber } from '~/modules/identity/id-number.ts'

let nextSequence = 100 + (process.pid % 500)

/**
 * A sequence number (the 3 digits after the birth date) giving an identity number no elder of this
 * file's database holds yet, for that region and birth date. Picking one at random from a few
 * hundred collided now and then (several factories share a birth date, and the seed fills the same
 * space); this walks the sequence and skips taken numbers.
 */
export async function freeSequence(regionCode: string, birthDate: string): Promise<number> {
	for (let tries = 0; tries < 1000; tries++) {
		const seq = 100 + (nextSequence++ % 900)
		const taken = await prisma.elder.findUnique({ where: { idNumberHash: hashIdNumber(makeIdNumber(regionCode, birthDate, seq)) }, select: { id: true } })
		if (!taken) return seq
	}
	throw new Error(`no free identity number left for ${regionCode} born ${birthDate}`)
}
