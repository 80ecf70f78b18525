// Creates, migrates and drops the throw-away databases of test and benchmark runs.
import { spawn, spawnSync } from 'node:child_process'
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

/**
 * Creates name as a copy of template (which must have no open connections): a fresh, already migrated
 * and seeded database in well under a second. Two copies of one template at once can collide, so retry.
 */
export async function copyDatabase(baseUrl: string, template: string, name: string) {
	for (const n of [template, name]) if (!/^[a-z0-9_]+$/.test(n)) throw new Error(`unsafe database name: ${n}`)
	await withAdmin(baseUrl, async (c) => {
		const started = Date.now()
		for (;;) {
			try {
				await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`)
				return
			} catch (error) {
				// 55006: the template is being accessed by another session (another copy in progress;
				// the browser tests' server and the Vitest files copy it side by side).
				if ((error as { code?: string }).code !== '55006' || Date.now() - started > 60_000) throw error
				await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
			}
		}
	})
	return databaseUrlWithName(baseUrl, name)
}

/** Drops every database whose name starts with prefix (the per-file copies of a test run). */
export async function dropDatabasesWithPrefix(baseUrl: string, prefix: string) {
	if (!/^[a-z0-9_]+$/.test(prefix)) throw new Error(`unsafe database prefix: ${prefix}`)
	await withAdmin(baseUrl, async (c) => {
		const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix])
		for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
	})
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

/**
 * The run's template: a fresh database, migrated and demo-seeded once. Vitest's per-file databases
 * and the browser-test server's database are copies of it (copyDatabase), so one `npm test`
 * migrates and seeds once. Returns its URL.
 */
export async function prepareTemplate(baseUrl: string, name: string, opts: { quiet?: boolean } = {}) {
	const url = await createDatabase(baseUrl, name)
	const env = { ...process.env, DATABASE_URL: url }
	// Asynchronous children: npm test runs this beside other steps whose output must keep flowing.
	await runChild('prisma migrate deploy', 'npx', ['prisma', 'migrate', 'deploy'], env)
	const out = await runChild('seed', process.execPath, ['--import', 'tsx', 'prisma/seed.ts', '--scale', 'demo', '--quiet'], env)
	if (!opts.quiet && out.trim()) process.stdout.write(out)
	return url
}

function runChild(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
		let out = ''
		child.stdout.on('data', (b: Buffer) => (out += b.toString()))
		child.stderr.on('data', (b: Buffer) => (out += b.toString()))
		child.once('error', reject)
		child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${label} failed (exit code ${code}):\n${out}`))))
	})
}

/** Set by `npm test` once it has prepared the template named TEST_DATABASE_NAME. */
export const TEMPLATE_READY_ENV = 'TEST_TEMPLATE_READY'
