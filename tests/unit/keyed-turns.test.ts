import { describe, expect, it } from 'vitest'
import { KeyedTurns } from '~/lib/turns.server.ts'

const tick = () => new Promise((r) => setTimeout(r, 0))

function deferred() {
	let resolve!: () => void
	const promise = new Promise<void>((r) => (resolve = r))
	return { promise, resolve }
}

describe('KeyedTurns', () => {
	it('runs at most `width` turns of one key at once, the others in arrival order', async () => {
		const turns = new KeyedTurns(2)
		const started: number[] = []
		const gates = Array.from({ length: 5 }, () => deferred())
		const runs = gates.map((g, i) =>
			turns.run('slot', async () => {
				started.push(i)
				await g.promise
				return i
			}),
		)
		await tick()
		expect(started).toEqual([0, 1])
		gates[1]!.resolve()
		await tick()
		expect(started).toEqual([0, 1, 2])
		gates[0]!.resolve()
		gates[2]!.resolve()
		await tick()
		expect(started).toEqual([0, 1, 2, 3, 4])
		gates[3]!.resolve()
		gates[4]!.resolve()
		expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4])
		expect(turns.size).toBe(0)
	})

	it('keeps keys apart, passes the turn on after a failure and forgets a key nobody holds', async () => {
		const turns = new KeyedTurns(1)
		const a = deferred()
		const first = turns.run('a', () => a.promise)
		let otherRan = false
		await turns.run('b', async () => {
			otherRan = true
		})
		expect(otherRan).toBe(true)
		const failing = turns.run('a', async () => {
			throw new Error('refused')
		})
		const after = turns.run('a', async () => 'next')
		expect(turns.size).toBe(1)
		a.resolve()
		await first
		await expect(failing).rejects.toThrow('refused')
		expect(await after).toBe('next')
		expect(turns.size).toBe(0)
	})

	it('refuses a width that is not a positive integer', () => {
		expect(() => new KeyedTurns(0)).toThrow(RangeError)
		expect(() => new KeyedTurns(1.5)).toThrow(RangeError)
	})
})
