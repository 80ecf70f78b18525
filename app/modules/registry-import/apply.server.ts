// Applying a classified import: chunk by chunk (line ranges), each chunk one transaction that writes
// its new elders, its changes and its life events and marks itself done, so a crash (kill -9, a lost
// worker) loses nothing and a repeat does nothing. Every write is conditional or ON CONFLICT: applying
// the same lines twice, or the same file twice, changes nothing. Matching is by the identity number's
// keyed hash (elder.idNumberHash), never by decrypting.
import { transaction } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { applyElderState } from '~/modules/life-events/life-events.server.ts'

const SET_BASED = { timeout: 10 * 60_000 }

type ImportHead = { id: string; status: string; createdById: string; appliedById: string | null; chunkCount: number; chunksDone: number }

/** The officer asks for the import to be applied: classified → applying (once); the job does the work. */
export async function requestApply(user: SessionUser, importId: string, ip: string | null, enqueue: (importId: string) => Promise<unknown>): Promise<Outcome<{ status: string }>> {
	const head = await sql`SELECT id, status, "createdById" FROM registry_import WHERE id = ${importId}::uuid`.first<{ id: string; status: string; createdById: string }>()
	if (!head || head.createdById !== user.id) return fail('registryImport.errors.notFound', 404)
	if (head.status === 'classified') {
		const n = await transaction(async (tx) => {
			const n = await sql`UPDATE registry_import SET status = 'applying', "appliedById" = ${user.id}::uuid, "applyRequestedAt" = now() WHERE id = ${importId}::uuid AND status = 'classified'`.run(tx)
			if (n) await audit({ actor: user, action: 'registry_import.apply_request', entityType: 'registry_import', entityId: importId, districtId: user.districtId ?? null, ip }, tx)
			return n
		})
		if (!n) return fail('registryImport.errors.notReady', 409)
	} else if (head.status !== 'applying') {
		return fail(head.status === 'applied' ? 'registryImport.errors.alreadyApplied' : 'registryImport.errors.notReady', 409)
	}
	// Queued after the commit; asking again while it is applying re-queues it (same job id: no duplicate).
	await enqueue(importId).catch((error: unknown) => console.warn(`registry import ${importId} apply not queued yet: ${error instanceof Error ? error.message : error}`))
	return ok({ status: 'applying' })
}

/** One chunk in one transaction. Returns false when it was already done (or the import is not applying). */
export async function applyChunk(importId: string, no: number): Promise<boolean> {
	return transaction(async (tx) => {
		const chunk = await sql`SELECT c.done, c."lineFrom", c."lineTo", r.status, r."appliedById", r."createdById", u.role AS "actorRole"
			 FROM registry_import_chunk c JOIN registry_import r ON r.id = c."importId" JOIN app_user u ON u.id = COALESCE(r."appliedById", r."createdById")
			 WHERE c."importId" = ${importId}::uuid AND c.no = ${no} FOR UPDATE OF c`.first<{ done: boolean; lineFrom: number; lineTo: number; status: string; appliedById: string | null; createdById: string; actorRole: SessionUser['role'] }>(tx)
		if (!chunk || chunk.done || chunk.status !== 'applying') return false
		const actor = chunk.appliedById ?? chunk.createdById
		// The chunk's verdicts `v` with their staged lines `l`. The range is said on both sides: the
		// planner does not carry BETWEEN across the join, and without it joined each chunk's 5,000
		// verdicts against every staged line of the file (a hash join per chunk, minutes for a city).
		const lines = sql`v."importId" = ${importId}::uuid AND v.line BETWEEN ${chunk.lineFrom} AND ${chunk.lineTo}
			 AND l."importId" = ${importId}::uuid AND l.line BETWEEN ${chunk.lineFrom} AND ${chunk.lineTo} AND l.line = v.line`
		// A new line carries the id the dry run gave its elder. Someone registered the same person in
		// the meantime (the insert finds the number taken): the line is pointed at that record instead.
		const created = await sql`INSERT INTO elder (id, "idNumberCipher", "idNumberHash", "idNumberMasked", name, gender, "birthDate", "districtId", "communityId", settlement,
			        phone, "emergencyContactName", "emergencyContactPhone", "residenceStatus", "residenceVerifiedAt", "residenceVerifiedById", "registeredById", "updatedAt")
			 SELECT v."elderId", l."idCipher", l."idHash", l."idMasked", l.name, l.gender, l."birthDate", v."districtId", v."communityId", v.settlement,
			        l.phone, l."emergencyContactName", l."emergencyContactPhone", 'verified', now(), ${actor}::uuid, ${actor}::uuid, now()
			 FROM registry_import_verdict v, registry_import_staged_line l WHERE ${lines} AND v.outcome = 'new'
			 ON CONFLICT ("idNumberHash") DO NOTHING`.run(tx)
		const newLines = await sql`SELECT count(*)::int AS n FROM registry_import_verdict v WHERE v."importId" = ${importId}::uuid AND v.line BETWEEN ${chunk.lineFrom} AND ${chunk.lineTo} AND v.outcome = 'new'`.first<{ n: number }>(tx)
		if (created < newLines!.n)
			await sql`UPDATE registry_import_verdict v SET "elderId" = e.id FROM registry_import_staged_line l, elder e WHERE ${lines} AND v.outcome = 'new' AND e."idNumberHash" = l."idHash" AND e.id IS DISTINCT FROM v."elderId"`.run(tx)
		// Changes: only what differs is written (a repeat writes nothing and bumps no version). Empty
		// optional columns in the file leave what the registry has.
		const changed = await sql`UPDATE elder e SET name = l.name, "districtId" = v."districtId", "communityId" = v."communityId", settlement = v.settlement,
			        phone = COALESCE(l.phone, e.phone), "emergencyContactName" = COALESCE(l."emergencyContactName", e."emergencyContactName"),
			        "emergencyContactPhone" = COALESCE(l."emergencyContactPhone", e."emergencyContactPhone"),
			        "residenceStatus" = 'verified', "residenceVerifiedAt" = COALESCE(e."residenceVerifiedAt", now()), "residenceVerifiedById" = COALESCE(e."residenceVerifiedById", ${actor}::uuid),
			        "residenceNote" = NULL, version = e.version + 1, "updatedAt" = now()
			 FROM registry_import_verdict v, registry_import_staged_line l WHERE ${lines} AND v.outcome = 'changed' AND e.id = v."elderId"
			   AND (e.name <> l.name OR e."communityId" IS DISTINCT FROM v."communityId" OR e."residenceStatus" <> 'verified'
			        OR (l.phone IS NOT NULL AND e.phone IS DISTINCT FROM l.phone)
			        OR (l."emergencyContactName" IS NOT NULL AND e."emergencyContactName" IS DISTINCT FROM l."emergencyContactName")
			        OR (l."emergencyContactPhone" IS NOT NULL AND e."emergencyContactPhone" IS DISTINCT FROM l."emergencyContactPhone"))`.run(tx)
		// Life events: a death reported by an institution and still pending is confirmed by the registry;
		// the rest are inserted once (unique indexes, ON CONFLICT DO NOTHING).
		const events = await sql`SELECT v."elderId", l."eventKind" AS kind, l."eventOn" AS "on" FROM registry_import_verdict v, registry_import_staged_line l
			 WHERE ${lines} AND v.outcome IN ('new', 'changed') AND l."eventKind" IS NOT NULL AND v."elderId" IS NOT NULL`.rows<{ elderId: string; kind: string; on: string }>(tx)
		let recorded: { elderId: string; kind: string; on: string }[] = []
		if (events.length) {
			await sql`UPDATE life_event ev SET status = 'recorded', "occurredOn" = l."eventOn", "decidedById" = ${actor}::uuid, "decidedAt" = now(), "decisionNote" = ${`registry_import: ${importId}`}
				 FROM registry_import_verdict v, registry_import_staged_line l WHERE ${lines} AND v.outcome IN ('new', 'changed') AND l."eventKind" = 'death' AND ev."elderId" = v."elderId" AND ev.kind = 'death' AND ev.status = 'pending'`.run(tx)
			recorded = await sql`INSERT INTO life_event ("elderId", kind, "occurredOn", status, source, reference, "recordedById")
				 SELECT v."elderId", l."eventKind", l."eventOn", 'recorded', 'registry_import', ${importId}, ${actor}::uuid
				 FROM registry_import_verdict v, registry_import_staged_line l WHERE ${lines} AND v.outcome IN ('new', 'changed') AND l."eventKind" IS NOT NULL AND v."elderId" IS NOT NULL
				 ON CONFLICT DO NOTHING RETURNING "elderId", kind::text, "occurredOn" AS "on"`.rows<{ elderId: string; kind: string; on: string }>(tx)
			await applyElderState(tx, [...new Set(events.map((e) => e.elderId))])
		}
		await sql`UPDATE registry_import_chunk SET done = true, "doneAt" = now() WHERE "importId" = ${importId}::uuid AND no = ${no}`.run(tx)
		const r = await sql`UPDATE registry_import SET "chunksDone" = "chunksDone" + 1 WHERE id = ${importId}::uuid RETURNING "chunksDone", "chunkCount"`.first<{ chunksDone: number; chunkCount: number }>(tx)
		// One audit entry per chunk: what it created and changed, and each life event it recorded.
		await audit(
			{ actor: { id: actor, role: chunk.actorRole }, action: 'registry_import.apply_chunk', entityType: 'registry_import', entityId: importId, details: { chunk: no, lines: [chunk.lineFrom, chunk.lineTo], created, changed, lifeEvents: recorded } },
			tx,
		)
		if (r && r.chunksDone >= r.chunkCount) await sql`UPDATE registry_import SET status = 'applied', "appliedAt" = now() WHERE id = ${importId}::uuid AND status = 'applying'`.run(tx)
		return true
	}, SET_BASED)
}

/** The apply job: every chunk not yet done, in order; `onProgress` after each (the job's progress). */
export async function applyImport(importId: string, onProgress?: (done: number, total: number) => Promise<unknown>): Promise<{ applied: number }> {
	const head = await sql`SELECT id, status, "createdById", "appliedById", "chunkCount", "chunksDone" FROM registry_import WHERE id = ${importId}::uuid`.first<ImportHead>()
	if (!head || head.status !== 'applying') return { applied: 0 }
	const pending = await sql`SELECT no FROM registry_import_chunk WHERE "importId" = ${importId}::uuid AND NOT done ORDER BY no`.rows<{ no: number }>()
	let applied = 0
	for (const { no } of pending) {
		if (await applyChunk(importId, no)) applied++
		if (onProgress) await onProgress(head.chunksDone + applied, head.chunkCount)
	}
	// An import with no chunk left to write (an empty file, the same file again: every chunk was done
	// at classification) is applied at once.
	await sql`UPDATE registry_import SET status = 'applied', "appliedAt" = now() WHERE id = ${importId}::uuid AND status = 'applying' AND "chunksDone" >= "chunkCount"`.run()
	return { applied }
}
