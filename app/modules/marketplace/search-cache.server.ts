import { BoundedMap, deepFreeze } from '~/lib/bounded-map.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { listDistrictsWithCommunities } from '~/modules/elders/elders.server.ts'
import type { SearchParams } from './schemas.ts'
import { searchOfferings } from './search.server.ts'

// Family search's results and places, kept in this process under the catalogue version (the sum of
// the counters the catalogue_version triggers bump at commit; migration *_catalogue_version): every
// search asks the database for the version (one prepared statement) and reuses only what was
// computed under that same version, so a result is exactly as fresh as the data, never stale by a
// second. The statement itself was about half of a search's cost, most of it PostgreSQL's.
//
// Results also depend on the time: an offering's next free slots are those starting after now, in a
// window of days from today (Asia/Shanghai). So a result is reused only on the same day and before
// the first slot it shows starts: until then the statement would return exactly the same.


type Results = Awaited<ReturnType<typeof searchOfferings>>
type Places = Awaited<ReturnType<typeof listDistrictsWithCommunities>>
type Entry = { version: string; day: string; until: number; value: Results }

/** Entries kept (the least recently used dropped first; memory only). */
const results = new BoundedMap<string, Entry>({ maxEntries: 500 })
let places: { version: string; value: Places } | null = null

/** The catalogue's version now, or null when the database has none (nothing is then reused). */
export async function catalogueVersion(): Promise<string | null> {
	const row = await sql`SELECT min(epoch::text) AS epoch, sum(version)::text AS version FROM catalogue_version`.prepared().first<{ epoch: string | null; version: string | null }>()
	return row?.epoch ? `${row.epoch}:${row.version}` : null
}

async function placesAt(version: string | null): Promise<Places> {
	if (version !== null && places?.version === version) return places.value
	// Read after the version: never older than it.
	const value = deepFreeze(await listDistrictsWithCommunities())
	if (version !== null) places = { version, value }
	return value
}

async function resultsAt(version: string | null, params: SearchParams, now: Date): Promise<Results> {
	const key = JSON.stringify(params)
	const day = shanghaiDate(now)
	const hit = results.peek(key)
	if (version !== null && hit && hit.version === version && hit.day === day && now.getTime() < hit.until) {
		results.get(key)
		return hit.value
	}
	const value = deepFreeze(await searchOfferings(params, now))
	if (version !== null) {
		// A slot is shown while it starts after now: the first of them to start changes the result.
		let until = Number.POSITIVE_INFINITY
		for (const h of value.hits) if (h.nextSlots[0]) until = Math.min(until, Date.parse(h.nextSlots[0]))
		results.set(key, { version, day, until, value })
	}
	return value
}

/** What a search page shows: the results of params and the districts with their communities. */
export async function searchPage(params: SearchParams, now = new Date()) {
	const version = await catalogueVersion()
	const [found, all] = await Promise.all([resultsAt(version, params, now), placesAt(version)])
	return { results: found, places: all }
}
