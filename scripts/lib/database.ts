// Creates, migrates and drops the throw-away databases of test and benchmark runs.
import { spawnSync } from 'node:child_process'
import pg from 'pg'

export function databaseUrlWithName(baseUrl: string, name: string) {
	const url = new URL(baseUrl)
	url.pathname = `/${name}`
	return url.toString()
}

async function withAdmin<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>) {
	const client = new pg.Client({ connectionString: databaseUrlWithName(baseUrl, 'postgres') })
	await client.connect()
	try {
		return await fn(client)
	} finally {
		await client.end()
	}
}

export async function createDatabase(baseUrl: string, name: string) {
	if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name: ${name}`)
	await withAdmin(baseUrl, async (c) => {
		await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
		await c.query(`CREATE DATABASE "${name}"`)
	})
	return databaseUrlWithName(baseUrl, name)
}

export async function dropDatabase(baseUrl: string, name: string) {
	if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name: ${name}`)
	await withAdmin(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
}

/** Applies the committed migrations (prisma migrate deploy) to the database at url. */
export function migrate(url: string) {
	const result = spawnSync('npx', ['prisma', 'migrate', 'deploy'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' })
	if (result.status !== 0) throw new Error(`prisma migrate deploy failed:\n${result.stdout}\n${result.stderr}`)
}

/** Drops databases left behind by runs that were killed. */
export async function dropStaleDatabases(baseUrl: string, prefix: string, olderThanMs = 6 * 60 * 60 * 1000) {
	await withAdmin(baseUrl, async (c) => {
		const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`])
		for (const { datname } of rows) {
			const stamp = Number(datname.split('_').at(-2))
			if (Number.isFinite(stamp) && Date.now() - stamp > olderThanMs) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
		}
	})
}
