// Prisma CLI configuration. Prisma's binary schema engine cannot be downloaded on our machines,
// so migrations run in its WebAssembly engine over the `pg` driver adapter. Two upstream bugs
// need the workarounds below (see README "Prisma without binary engines").
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { defineConfig } from 'prisma/config'

const NAME_OID = 19
const CHAR_OID = 18
const TEXT_OID = 25

// prisma/prisma#27403: the adapter cannot deserialize catalog columns of type `name`/`char`,
// which the schema engine reads while introspecting. Report them as text.
const ResultProto = (pg as unknown as { Result: { prototype: { addFields(f: Array<{ dataTypeID: number }>): void } } }).Result.prototype
const originalAddFields = ResultProto.addFields
ResultProto.addFields = function patchedAddFields(fields) {
	for (const field of fields) {
		if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID
	}
	return originalAddFields.call(this, fields)
}

function connectionFields(url: string): pg.PoolConfig {
	const u = new URL(url)
	return {
		host: u.hostname,
		port: Number(u.port || 5432),
		user: decodeURIComponent(u.username || 'postgres'),
		password: decodeURIComponent(u.password),
		database: decodeURIComponent(u.pathname.slice(1)),
	}
}

// Upstream's executeScript splits a migration on ";", which breaks dollar-quoted function bodies.
// PostgreSQL's simple query protocol runs a multi-statement script as one implicit transaction.
function wholeScripts<T extends { executeScript(script: string): Promise<void>; underlyingDriver(): unknown }>(adapter: T): T {
	adapter.executeScript = async (script: string) => {
		await (adapter.underlyingDriver() as pg.Pool).query(script)
	}
	return withCharColumns(adapter)
}

// The schema engine reads pg_constraint.contype ("char", reported as text above) as a Character
// value and panics ("RuntimeError: unreachable") on text once a CHECK or exclusion constraint
// exists. Report that column as Character (ColumnTypeEnum 6), its single letter as the value.
const CHARACTER_COLUMN_TYPE = 6
const TEXT_COLUMN_TYPE = 7
const CHAR_COLUMNS = new Set(['constraint_type'])
function withCharColumns<T>(adapter: T): T {
	const target = adapter as unknown as { queryRaw(query: unknown): Promise<{ columnNames: string[]; columnTypes: number[] }> }
	const queryRaw = target.queryRaw.bind(target)
	target.queryRaw = async (query) => {
		const result = await queryRaw(query)
		result.columnNames.forEach((name, i) => {
			if (CHAR_COLUMNS.has(name) && result.columnTypes[i] === TEXT_COLUMN_TYPE) result.columnTypes[i] = CHARACTER_COLUMN_TYPE
		})
		return result
	}
	return adapter
}

// Upstream spreads the main config (a connectionString wins over `database`) and drops the shadow
// database while still connected to it. Use discrete fields, disconnect first, then drop with FORCE.
class ShadowSafePrismaPg extends PrismaPg {
	override async connect() {
		return wholeScripts(await super.connect())
	}

	override async connectToShadowDb() {
		const config = (this as unknown as { config: pg.PoolConfig }).config
		const admin = new pg.Client(config)
		await admin.connect()
		const database = `prisma_shadow_${crypto.randomUUID().replaceAll('-', '')}`
		await admin.query(`CREATE DATABASE "${database}"`)
		await admin.end()
		const shadow = wholeScripts(await new PrismaPg({ ...config, database }).connect())
		const dispose = shadow.dispose.bind(shadow)
		shadow.dispose = async () => {
			await dispose()
			const cleaner = new pg.Client(config)
			await cleaner.connect()
			await cleaner.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
			await cleaner.end()
		}
		return shadow
	}
}

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/yiyang'
process.env.DATABASE_URL = databaseUrl

export default defineConfig({
	experimental: { adapter: true },
	engine: 'js',
	schema: 'prisma/schema.prisma',
	migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
	async adapter() {
		return new ShadowSafePrismaPg(connectionFields(databaseUrl))
	},
})
