// For browser tests: waits until the worker has computed every approved institution's operating
// subsidy for a month (the page queued it), reading this run's database (.cache, scripts/e2e-server.ts).
import { readFileSync } from 'node:fs'
import pg from 'pg'

function databaseUrl() {
	return (JSON.parse(readFileSync(`.cache/e2e-due-process-${process.env.E2E_PORT}`, 'utf8')) as { databaseUrl: string }).databaseUrl
}

/** Waits (up to a minute) for the month's statements; returns the demo institution's statement id and name. */
export async function computedMonthOf(month: string, staffPhone: string): Promise<{ statementId: string; providerName: string }> {
	const client = new pg.Client({ connectionString: databaseUrl() })
	await client.connect()
	try {
		for (let i = 0; i < 300; i++) {
			const { rows } = await client.query<{ done: boolean; id: string | null; name: string }>(
				`SELECT (SELECT count(*) FROM operating_subsidy_statement s WHERE s.month = $1::date AND s."totalFen" IS NOT NULL)
				        = (SELECT count(*) FROM provider WHERE kind = 'institution' AND status = 'approved') AS done,
				        (SELECT s.id FROM operating_subsidy_statement s WHERE s.month = $1::date AND s."providerId" = u."providerId") AS id, p.name
				 FROM app_user u JOIN provider p ON p.id = u."providerId" WHERE u.phone = $2`,
				[`${month}-01`, staffPhone],
			)
			if (rows[0]?.done && rows[0].id) return { statementId: rows[0].id, providerName: rows[0].name }
			await new Promise((r) => setTimeout(r, 200))
		}
		throw new Error(`the operating subsidy of ${month} was not computed`)
	} finally {
		await client.end()
	}
}
