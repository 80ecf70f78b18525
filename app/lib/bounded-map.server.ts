// The one bounded in-memory map of the server: what a process keeps for reuse (results under a data
// version, rendered documents, keys seen once) is held here, never in a bare Map that could grow
// with the requests. Least recently used first out: a Map keeps insertion order, so an entry used
// again is moved to the end and the first entries are the ones dropped. Bounds: a number of entries,
// and optionally a total weight (bytes) given by `weigh`.

export type BoundedMapOptions<V> = {
	/** Entries kept at most. */
	maxEntries: number
	/** Total weight kept at most (with `weigh`). */
	maxWeight?: number
	/** The weight of one value (bytes, say); 0 without maxWeight. */
	weigh?: (value: V) => number
}

export class BoundedMap<K, V> {
	readonly #entries = new Map<K, { value: V; weight: number }>()
	readonly #maxEntries: number
	readonly #maxWeight: number
	readonly #weigh: ((value: V) => number) | undefined
	#weight = 0

	constructor(options: BoundedMapOptions<V>) {
		this.#maxEntries = options.maxEntries
		this.#maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY
		this.#weigh = options.weigh
	}

	/** The value under key, now the most recently used; undefined when there is none. */
	get(key: K): V | undefined {
		const entry = this.#entries.get(key)
		if (!entry) return undefined
		this.#entries.delete(key)
		this.#entries.set(key, entry)
		return entry.value
	}

	/** The value under key, leaving the order as it is. */
	peek(key: K): V | undefined {
		return this.#entries.get(key)?.value
	}

	has(key: K): boolean {
		return this.#entries.has(key)
	}

	/** Keeps value under key as the most recently used, then drops the least recently used past the bounds. */
	set(key: K, value: V): this {
		this.delete(key)
		const weight = this.#weigh ? this.#weigh(value) : 0
		this.#entries.set(key, { value, weight })
		this.#weight += weight
		for (const [k, e] of this.#entries) {
			if (this.#entries.size <= this.#maxEntries && this.#weight <= this.#maxWeight) break
			this.#entries.delete(k)
			this.#weight -= e.weight
		}
		return this
	}

	/** Whether there was a value under key (it is gone now). */
	delete(key: K): boolean {
		const entry = this.#entries.get(key)
		if (!entry) return false
		this.#entries.delete(key)
		this.#weight -= entry.weight
		return true
	}

	get size(): number {
		return this.#entries.size
	}

	/** The total weight kept. */
	get weight(): number {
		return this.#weight
	}
}

/** Frozen all the way down: a kept value is handed to every request that reuses it, so none may change it. */
export function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value)
		for (const v of Object.values(value)) deepFreeze(v)
	}
	return value
}
