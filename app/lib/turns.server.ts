// Turns per key: at most `width` callers of one key run at once, the others wait in arrival order
// for a turn (in this process). Nothing is kept for a key once nobody holds or awaits its turn.

export class KeyedTurns {
	readonly #keys = new Map<string, { running: number; waiting: (() => void)[] }>()

	constructor(readonly width: number) {
		if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a positive integer: ${width}`)
	}

	/** Runs work in a turn of key: now if fewer than `width` turns of key are running, else after those ahead of it. */
	async run<T>(key: string, work: () => Promise<T>): Promise<T> {
		let turns = this.#keys.get(key)
		if (!turns) this.#keys.set(key, (turns = { running: 0, waiting: [] }))
		const mine = turns
		if (mine.running < this.width) mine.running++
		else await new Promise<void>((resolve) => mine.waiting.push(resolve))
		try {
			return await work()
		} finally {
			// The turn passes to the next in line (still running), or ends.
			const next = mine.waiting.shift()
			if (next) next()
			else if (--mine.running === 0) this.#keys.delete(key)
		}
	}

	/** Keys with a turn running or awaited (for tests). */
	get size() {
		return this.#keys.size
	}
}
