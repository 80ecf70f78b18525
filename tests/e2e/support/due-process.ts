// For browser tests: a public notice lasts 7 days, so a test ends it early. It moves the notice listing
// an elder's approval into the past (straight in this run's database, which scripts/e2e-server.ts
// names in .cache) and queues the due-process 'day' job on this run's queue; the running worker
// then settles the notice exactly as it would on the 8th day.
import { readFileSync } from 'node:fs'
import { Queue } from 'bullmq'
import pg from 'pg'

function config() {
	return JSON.parse(readFileSync(`.cache/e2e-due-process-${process.env.E2E_PORT}`, 'utf8')) as { databaseUrl: string; queuePrefix: string; redisUrl: string }
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

/** Moves the notice listing the elder's latest approval so that it ended today (Shanghai). */
export async function backdateNoticeOf(elderName: string) {
	const client = new pg.Client({ connectionString: config().databaseUrl })
	await client.connect()
	try {
		const { rowCount } = await client.query(
			// Opened a day before the place's earliest notice (one notice per place and day), ending today.
			`UPDATE subsidy_notice n SET "endsOn" = $2::date, "opensOn" = (SELECT least(min(o."opensOn"), $2::date - 6) - 1 FROM subsidy_notice o
			   WHERE o."districtId" = n."districtId" AND o."communityId" IS NOT DISTINCT FROM n."communityId")
			 FROM subsidy_notice_entry e JOIN elder el ON el.id = e."elderId"
			 WHERE e."noticeId" = n.id AND el.name = $1 AND e.status = 'listed'`,
			[elderName, today()],
		)
		if (!rowCount) throw new Error(`no listed notice entry for ${elderName}`)
	} finally {
		await client.end()
	}
}

/** Ends the elder's notice now and lets the worker settle it (the daily job), waiting until it has. */
export async function endNoticeOf(elderName: string) {
	await backdateNoticeOf(elderName)
	const { queuePrefix, redisUrl } = config()
	const url = new URL(redisUrl)
	const queue = new Queue('due-process', { prefix: queuePrefix, connection: { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0) } })
	try {
		await queue.add('day', { day: today() }, { jobId: `e2e-${Date.now()}` })
		const client = new pg.Client({ connectionString: config().databaseUrl })
		await client.connect()
		try {
			for (let i = 0; i < 100; i++) {
				const { rows } = await client.query(`SELECT count(*)::int AS n FROM subsidy_notice_entry e JOIN elder el ON el.id = e."elderId" WHERE el.name = $1 AND e.status = 'listed'`, [elderName])
				if (rows[0].n === 0) return
				await new Promise((r) => setTimeout(r, 200))
			}
			throw new Error(`the notice for ${elderName} was not settled`)
		} finally {
			await client.end()
		}
	} finally {
		await queue.close()
	}
}
