// Life events: a death, a move out of the city, a move into it. Each is one row of life_event,
// applied once (unique indexes: one death per elder, one move of a kind per day), audited, and the
// elder's deathDate / residencyStatus / movedOutOn are recomputed from the recorded events in the same
// transaction, so the allowance stops and resumes from these records. A death an institution reports
// (a discharge marked deceased) is `pending` and changes nothing until the community confirms it.
// Dates that cannot be true are refused here and by the trigger life_event_date_possible.
import { z } from 'zod'
import { prisma, transaction, type Tx } from '~/lib/db.server.ts'
import { failureOf, refuse } from '~/lib/db-rules.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { elderScope, isRegistrar } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { impossibleDate, type ConfirmDeathInput, type LifeEventKind, type RecordLifeEventInput } from './schemas.ts'

export type LifeEventSource = 'officer' | 'cremation_import' | 'institution_discharge' | 'registry_import'
type Actor = Pick<SessionUser, 'id' | 'role'> | null

export type NewLifeEvent = {
	elderId: string
	kind: LifeEventKind
	occurredOn: string
	source: LifeEventSource
	reference: string | null
	status?: 'recorded' | 'pending'
	recordedById: string | null
}

/**
 * Recomputes the state the recorded events leave on these elders (set-based): the death's date, and
 * the latest move deciding resident / moved out. Elders without events keep what they have (rows from
 * before life events existed); a row is only written when something changes, so a repeat writes nothing.
 */
export async function applyElderState(tx: Tx, elderIds: string[]) {
	if (!elderIds.length) return 0
	return sql`WITH ids AS (SELECT DISTINCT unnest(${elderIds}::uuid[]) AS id),
		d AS (SELECT ev."elderId", ev."occurredOn" FROM life_event ev JOIN ids ON ids.id = ev."elderId" WHERE ev.kind = 'death' AND ev.status = 'recorded'),
		m AS (SELECT DISTINCT ON (ev."elderId") ev."elderId", ev.kind, ev."occurredOn" FROM life_event ev JOIN ids ON ids.id = ev."elderId"
		      WHERE ev.kind IN ('moved_out', 'moved_in') AND ev.status = 'recorded' ORDER BY ev."elderId", ev."occurredOn" DESC, ev."createdAt" DESC),
		s AS (SELECT e.id, COALESCE(d."occurredOn", e."deathDate") AS death,
		             CASE WHEN m.kind IS NULL THEN e."residencyStatus" WHEN m.kind = 'moved_out' THEN 'moved_out'::"ResidencyStatus" ELSE 'resident'::"ResidencyStatus" END AS residency,
		             CASE WHEN m.kind IS NULL THEN e."movedOutOn" WHEN m.kind = 'moved_out' THEN m."occurredOn" ELSE NULL END AS moved
		      FROM elder e JOIN ids ON ids.id = e.id LEFT JOIN d ON d."elderId" = e.id LEFT JOIN m ON m."elderId" = e.id)
		UPDATE elder e SET "deathDate" = s.death, "residencyStatus" = s.residency, "movedOutOn" = s.moved, version = e.version + 1, "updatedAt" = now()
		FROM s WHERE s.id = e.id
		  AND (e."deathDate" IS DISTINCT FROM s.death OR e."residencyStatus" IS DISTINCT FROM s.residency OR e."movedOutOn" IS DISTINCT FROM s.moved)`.run(tx)
}

/**
 * Records one event inside the caller's transaction. Returns the event's id and whether it is new:
 * the same event again (same death, same move on the same day) is not a second one. A death already
 * recorded on another date is refused (409): correcting it is a decision, not an overwrite.
 */
export async function recordLifeEventTx(tx: Tx, e: NewLifeEvent): Promise<{ id: string; created: boolean }> {
	const elder = await sql`SELECT "birthDate" FROM elder WHERE id = ${e.elderId}::uuid`.first<{ birthDate: string }>(tx)
	if (!elder) refuse(null, 'lifeEvents.errors.notFound', 404)
	const wrong = impossibleDate(e.occurredOn, elder.birthDate, shanghaiDate())
	if (wrong) refuse('occurredOn', wrong === 'future' ? 'lifeEvents.errors.dateFuture' : 'lifeEvents.errors.beforeBirth', 400)
	if (e.kind === 'death') {
		const death = await sql`SELECT id, "occurredOn", status FROM life_event WHERE "elderId" = ${e.elderId}::uuid AND kind = 'death' AND status <> 'rejected' FOR UPDATE`.first<{ id: string; occurredOn: string; status: string }>(tx)
		if (death) {
			// A pending report is confirmed by a recorded death (an officer, the cremation file, the registry).
			if (death.status === 'pending' && (e.status ?? 'recorded') === 'recorded') {
				await sql`UPDATE life_event SET status = 'recorded', "occurredOn" = ${e.occurredOn}::date, "decidedById" = ${e.recordedById}::uuid, "decidedAt" = now(),
					 "decisionNote" = ${`${e.source}${e.reference ? `: ${e.reference}` : ''}`} WHERE id = ${death.id}::uuid`.run(tx)
				await applyElderState(tx, [e.elderId])
				return { id: death.id, created: true }
			}
			if (death.occurredOn !== e.occurredOn && death.status === 'recorded') refuse('occurredOn', 'lifeEvents.errors.deathRecordedOtherDate', 409)
			return { id: death.id, created: false }
		}
	}
	const row = await sql`INSERT INTO life_event ("elderId", kind, "occurredOn", status, source, reference, "recordedById")
		 VALUES (${e.elderId}::uuid, ${e.kind}::"LifeEventKind", ${e.occurredOn}::date, ${e.status ?? 'recorded'}::"LifeEventStatus", ${e.source}::"LifeEventSource", ${e.reference}, ${e.recordedById}::uuid)
		 ON CONFLICT DO NOTHING RETURNING id`.first<{ id: string }>(tx)
	if (!row) {
		const same = await sql`SELECT id FROM life_event WHERE "elderId" = ${e.elderId}::uuid AND kind = ${e.kind}::"LifeEventKind" AND "occurredOn" = ${e.occurredOn}::date AND status <> 'rejected'`.first<{ id: string }>(tx)
		return { id: same?.id ?? '', created: false }
	}
	if ((e.status ?? 'recorded') === 'recorded') await applyElderState(tx, [e.elderId])
	return { id: row.id, created: true }
}

/** An officer in scope records a death (with its source) or a move on the elder's page. */
export async function recordLifeEvent(user: SessionUser, elderId: string, input: RecordLifeEventInput, ip: string | null): Promise<Outcome<{ id: string; created: boolean }>> {
	if (!isRegistrar(user)) return fail('lifeEvents.errors.officersOnly', 403)
	if (!z.uuid().safeParse(elderId).success) return fail('lifeEvents.errors.notFound', 404)
	const elder = await prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, districtId: true, birthDate: true } })
	if (!elder) return fail('lifeEvents.errors.notFound', 404)
	if (input.occurredOn < toDateString(elder.birthDate)) return fieldFail('occurredOn', 'lifeEvents.errors.beforeBirth')
	try {
		const value = await transaction(async (tx) => {
			const r = await recordLifeEventTx(tx, { elderId, kind: input.kind, occurredOn: input.occurredOn, source: 'officer', reference: input.reference, recordedById: user.id })
			if (r.created) await audit({ actor: user, action: `life_event.${input.kind}`, entityType: 'elder', entityId: elderId, districtId: elder.districtId, ip, details: { eventId: r.id, occurredOn: input.occurredOn, source: 'officer', reference: input.reference } }, tx)
			return r
		})
		return ok(value)
	} catch (error) {
		return failureOf(error)
	}
}

/**
 * An institution discharges a resident marked deceased: a death *to be confirmed* by the community
 * (pending), never a silent update of the registry. Runs in the discharge's transaction.
 */
export async function reportDeathFromDischarge(tx: Tx, input: { elderId: string; on: string; admissionId: string; actor: Actor }) {
	const r = await recordLifeEventTx(tx, { elderId: input.elderId, kind: 'death', occurredOn: input.on, source: 'institution_discharge', reference: input.admissionId, status: 'pending', recordedById: input.actor?.id ?? null })
	if (r.created) await audit({ actor: input.actor, action: 'life_event.death_reported', entityType: 'elder', entityId: input.elderId, details: { eventId: r.id, occurredOn: input.on, source: 'institution_discharge', admissionId: input.admissionId } }, tx)
	return r
}

/** A death the cremation file (殡葬) records, in the import's transaction: recorded at once. */
export async function recordDeathFromCremation(tx: Tx, input: { elderId: string; on: string; importId: string; actor: Actor }) {
	// A death already recorded on another day stays as recorded (the cremation record keeps its own date).
	const recorded = await sql`SELECT id FROM life_event WHERE "elderId" = ${input.elderId}::uuid AND kind = 'death' AND status = 'recorded'`.first<{ id: string }>(tx)
	if (recorded) return { id: recorded.id, created: false }
	const r = await recordLifeEventTx(tx, { elderId: input.elderId, kind: 'death', occurredOn: input.on, source: 'cremation_import', reference: input.importId, recordedById: input.actor?.id ?? null })
	if (r.created) await audit({ actor: input.actor, action: 'life_event.death', entityType: 'elder', entityId: input.elderId, details: { eventId: r.id, occurredOn: input.on, source: 'cremation_import', importId: input.importId } }, tx)
	return r
}

/** The community confirms or rejects a death an institution reported (pending → recorded / rejected). */
export async function decideReportedDeath(user: SessionUser, elderId: string, input: ConfirmDeathInput, ip: string | null): Promise<Outcome<{ status: string }>> {
	if (!isRegistrar(user)) return fail('lifeEvents.errors.officersOnly', 403)
	if (!z.uuid().safeParse(elderId).success) return fail('lifeEvents.errors.notFound', 404)
	const elder = await prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, districtId: true } })
	if (!elder) return fail('lifeEvents.errors.notFound', 404)
	if (input.decision === 'reject' && !input.note) return fieldFail('note', 'lifeEvents.errors.noteRequired')
	try {
		const status = input.decision === 'confirm' ? 'recorded' : 'rejected'
		await transaction(async (tx) => {
			// Conditional on pending: a second decision (double click, two officers) changes nothing.
			const n = await sql`UPDATE life_event SET status = ${status}::"LifeEventStatus", "decidedById" = ${user.id}::uuid, "decidedAt" = now(), "decisionNote" = ${input.note}
				 WHERE id = ${input.eventId}::uuid AND "elderId" = ${elderId}::uuid AND kind = 'death' AND status = 'pending'`.run(tx)
			if (!n) refuse(null, 'lifeEvents.errors.alreadyDecided', 409)
			await applyElderState(tx, [elderId])
			await audit({ actor: user, action: `life_event.death_${input.decision}`, entityType: 'elder', entityId: elderId, districtId: elder.districtId, ip, details: { eventId: input.eventId, note: input.note } }, tx)
		})
		return ok({ status })
	} catch (error) {
		return failureOf(error)
	}
}

export type LifeEventRow = { id: string; kind: LifeEventKind; occurredOn: string; status: 'recorded' | 'pending' | 'rejected'; source: LifeEventSource; reference: string | null; createdAt: Date; recordedBy: string | null; decidedBy: string | null; decidedAt: Date | null; decisionNote: string | null }

export async function lifeEventsOf(elderId: string): Promise<LifeEventRow[]> {
	return sql`SELECT ev.id, ev.kind, ev."occurredOn", ev.status, ev.source, ev.reference, ev."createdAt", r.name AS "recordedBy", d.name AS "decidedBy", ev."decidedAt", ev."decisionNote"
		 FROM life_event ev LEFT JOIN app_user r ON r.id = ev."recordedById" LEFT JOIN app_user d ON d.id = ev."decidedById"
		 WHERE ev."elderId" = ${elderId}::uuid ORDER BY ev."occurredOn" DESC, ev."createdAt" DESC`.rows<LifeEventRow>()
}
