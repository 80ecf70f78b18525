// The seed's command line as scripts/start.ts and scripts/setup.ts give it (npm start, npm run setup).
import { describe, expect, it } from 'vitest'
import { parseArgs } from '../../prisma/seed.ts'

describe('the seed command line', () => {
	it('takes what npm start and npm run setup pass, the demo month included', () => {
		expect(parseArgs(['--scale', 'demo', '--if-empty', '--demo-month'])).toEqual({ scale: 'demo', ifEmpty: true, demoMonth: true })
		expect(parseArgs(['--scale=city'])).toEqual({ scale: 'city' })
	})

	it('refuses what it does not know', () => {
		expect(() => parseArgs(['--demo'])).toThrow(/unknown argument/)
	})
})
