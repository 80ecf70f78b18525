// Every rule of the migrated database that can refuse a write (unique index, CHECK or exclusion
// constraint, rule raised by a trigger) has an entry in app/lib/db-rules.server.ts: a migration that
// adds one without an entry fails here. Read from the catalog, so it sees exactly what migrations built.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DB_RULES, failureOf, refuse, refusalOf } from '~/lib/db-rules.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'

async function catalogRules() {
	const constraints = await sql`
		SELECT c.conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = 'public' AND c.contype IN ('u', 'c', 'x')
		UNION
		SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
		WHERE n.nspname = 'public' AND x.indisunique AND NOT x.indisprimary`.rows<{ name: string }>()
	const functions = await sql`
		SELECT p.proname AS name, p.prosrc AS body FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
		WHERE n.nspname = 'public' AND l.lanname = 'plpgsql'`.rows<{ name: string; body: string }>()
	const raised = new Set<string>()
	const unnamed: string[] = []
	for (const f of functions) {
		// Rules named where they are raised, or passed by name to a helper that raises them.
		for (const m of f.body.matchAll(/CONSTRAINT\s*=\s*'([a-z0-9_]+)'/gi)) raised.add(m[1]!)
		for (const m of f.body.matchAll(/\b(?:beds_refuse|marketplace_violation)\s*\(\s*'([a-z0-9_]+)'\s*\)/gi)) raised.add(m[1]!)
		// Every RAISE EXCEPTION names its rule (a helper may name it by its parameter).
		for (const m of f.body.matchAll(/RAISE\s+EXCEPTION[\s\S]*?;/gi)) if (!/CONSTRAINT\s*=/i.test(m[0])) unnamed.push(`${f.name}: ${m[0].slice(0, 80)}`)
	}
	return { names: new Set([...constraints.map((c) => c.name), ...raised]), unnamed }
}

function hasMessage(key: string, lang: string) {
	const [ns, path] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key]
	let node: unknown = JSON.parse(readFileSync(`app/locales/${lang}/${ns}.json`, 'utf8'))
	for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part]
	return typeof node === 'string'
}

describe('database rules registry', () => {
	it('has an entry for every rule of the migrated database, and none for a rule that is gone', async () => {
		const { names, unnamed } = await catalogRules()
		expect(unnamed, 'triggers must RAISE ... USING CONSTRAINT = <rule name>').toEqual([])
		expect([...names].filter((n) => !(n in DB_RULES)).sort(), 'rules missing from app/lib/db-rules.server.ts').toEqual([])
		expect(Object.keys(DB_RULES).filter((n) => !names.has(n)).sort(), 'entries for rules no migration creates').toEqual([])
	})

	it('gives every user-facing rule a message in both languages', () => {
		for (const [name, rule] of Object.entries(DB_RULES)) {
			if ('internal' in rule) continue
			for (const lang of ['en', 'zh-CN']) expect(hasMessage(rule.message, lang), `${name}: ${rule.message} (${lang})`).toBe(true)
		}
	})

	it('turns refused writes into the unified Failure, whichever way they were made', async () => {
		const bed = await prisma.bed.findFirstOrThrow({ select: { id: true } })
		const viaPrisma = await prisma.bed.update({ where: { id: bed.id }, data: { monthlyPriceFen: -1 } }).catch((e: unknown) => e)
		const viaSql = await sql`UPDATE bed SET "monthlyPriceFen" = -1 WHERE id = ${bed.id}`.run().catch((e: unknown) => e)
		for (const error of [viaPrisma, viaSql]) expect(failureOf(error)).toEqual({ ok: false, status: 400, fieldErrors: { price: ['beds:errors.price'] } })

		// A marketplace trigger's rule, refused through Prisma.
		const offering = await prisma.offering.findFirstOrThrow({ select: { id: true } })
		const free = await prisma.offering.update({ where: { id: offering.id }, data: { priceFen: 0 } }).catch((e: unknown) => e)
		expect(failureOf(free)).toEqual({ ok: false, status: 400, fieldErrors: { price: ['marketplace:errors.price.positive'] } })

		// Guards a user cannot reach stay errors (a 500), as does anything else.
		const appendOnly = await sql`UPDATE audit_log SET action = action`.run().catch((e: unknown) => e)
		expect(refusalOf(appendOnly)).toBeNull()
		expect(() => failureOf(appendOnly)).toThrow(/append-only/)
		expect(() => failureOf(new Error('boom'))).toThrow('boom')

		const refused = (() => {
			try {
				refuse('bedId', 'beds:errors.bed.occupied')
			} catch (error) {
				return failureOf(error)
			}
		})()
		expect(refused).toEqual({ ok: false, status: 409, fieldErrors: { bedId: ['beds:errors.bed.occupied'] } })
	})
})
