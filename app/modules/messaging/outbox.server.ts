// Draining the SMS outbox. A message (outbox row) is written in the same transaction as the change
// it reports (messaging/notify.server.ts, phone-codes.server.ts); this module sends it once.
//
// States: pending -> sending -> sent; a refusal the provider may lift -> retry (nextAttemptAt after
// an exponential backoff: SMS_RETRY_BASE_MS, ×2 per try) -> sending …; after SMS_MAX_ATTEMPTS tries,
// a permanent refusal, or an unknown outcome -> dead (the dead letters on /admin/messages).
//
// At most once, by choice: a duplicate SMS (a second code, a second "paid") confuses an elderly
// family more than a missing one, which the page still shows and a new code request replaces.
// - Claiming is one conditional UPDATE (state pending/retry -> sending, attempts + 1) committed
//   before the provider is called, so two workers never send the same row.
// - The provider's answer and the row's move to sent are one transaction with the send's record
//   (sms_send, unique per outbox row).
// - A crash between the provider's answer and that commit leaves the row in `sending`; the sweep
//   dead-letters rows claimed longer ago than SMS_SENDING_STALE_MS as "outcome unknown" instead of
//   sending them again. So does a timeout or a lost connection during the call. The outbox id goes
//   to the provider as its OutId, so an operator can look the message up in the provider's console
//   (QuerySendDetails) before re-queueing it by hand.
// - Only refusals that certainly sent nothing (the provider's error answer, a connection refused)
//   are retried.
import type { Prisma } from '~/generated/prisma/client.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { sql } from '~/lib/sql.server.ts'
import { takeNumberQuota, type Quota } from './rate-limit.server.ts'
import { keptParams, parseTemplateCodes, renderTemplate, SECRET_TEMPLATES, textFor } from './templates.ts'
import { transportFromEnv, type SmsTransport } from './transport.server.ts'
import { maskPhone } from '~/lib/text.ts'

export type SendOutcome =
	| { status: 'sent' }
	| { status: 'retry' | 'deferred'; nextAttemptAt: Date }
	| { status: 'dead'; reason: string }
	| { status: 'skipped' }

type Claimed = { id: string; toPhone: string; template: string; params: unknown; attempts: number }

export function backoffMs(attempt: number, base = getEnv().SMS_RETRY_BASE_MS) {
	return base * 2 ** Math.max(0, attempt - 1)
}

/** One try at sending one outbox message. Safe to call any number of times, from any worker. */
export async function sendOutboxMessage(id: string, transport: SmsTransport = transportFromEnv(), deps: { quota?: (phone: string) => Promise<Quota> } = {}): Promise<SendOutcome> {
	const env = getEnv()
	const claimed = await sql`
		UPDATE outbox SET state = 'sending', "claimedAt" = now(), attempts = attempts + 1
		WHERE id = ${id}::bigint AND channel = 'sms' AND state IN ('pending', 'retry') AND "nextAttemptAt" <= now() + interval '2 seconds'
		RETURNING id::text AS id, "toPhone", template, params, attempts`.first<Claimed>()
	if (!claimed) return { status: 'skipped' }

	const quota = await (deps.quota ?? takeNumberQuota)(claimed.toPhone)
	const wait = quota.wait
	if (wait > 0) {
		// Over the number's limit: not a try. Back to where it was, due when the window ends.
		const nextAttemptAt = new Date(Date.now() + wait)
		await sql`UPDATE outbox SET state = CASE WHEN attempts - 1 = 0 THEN 'pending' ELSE 'retry' END, attempts = attempts - 1, "claimedAt" = NULL, "nextAttemptAt" = ${nextAttemptAt}
			WHERE id = ${id}::bigint AND state = 'sending'`.run()
		return { status: 'deferred', nextAttemptAt }
	}

	const rendered = renderTemplate(claimed.template, claimed.params, parseTemplateCodes(env.SMS_TEMPLATE_CODES))
	const result = await transport.send({ outboxId: claimed.id, phone: claimed.toPhone, template: claimed.template, templateCode: rendered.templateCode, params: rendered.vars }).catch(
		(error: unknown) => ({ status: 'unknown', message: `transport error: ${String((error as Error)?.message ?? error).slice(0, 200)}` }) as const,
	)
	const secret = SECRET_TEMPLATES.has(claimed.template)

	if (result.status === 'accepted') {
		// The dev transport keeps a code readable (the demo's page shows it); a real send keeps only a mask.
		const kept = transport.name === 'dev' ? rendered.vars : keptParams(claimed.template, rendered.vars)
		await transaction(async (tx) => {
			await tx.outbox.updateMany({
				where: { id: BigInt(claimed.id), state: { in: ['sending', 'dead'] } },
				data: { state: 'sent', sentAt: new Date(), lastError: null, deadAt: null, ...(secret ? { params: {} } : {}) },
			})
			await tx.smsSend.create({
				data: { outboxId: BigInt(claimed.id), transport: transport.name, toPhone: claimed.toPhone, template: claimed.template, templateCode: rendered.templateCode, params: kept, providerRequestId: result.requestId, providerMessageId: result.messageId },
				select: { id: true },
			})
		})
		return { status: 'sent' }
	}

	if (result.status === 'refused') await quota.giveBack()
	const reason = result.status === 'unknown' ? `outcome unknown, not retried: ${result.message}` : `${result.code}: ${result.message}`.slice(0, 500)
	if (result.status === 'refused' && result.retryable && claimed.attempts < env.SMS_MAX_ATTEMPTS) {
		const nextAttemptAt = new Date(Date.now() + backoffMs(claimed.attempts))
		await prisma.outbox.updateMany({ where: { id: BigInt(claimed.id), state: 'sending' }, data: { state: 'retry', claimedAt: null, lastError: reason, nextAttemptAt } })
		return { status: 'retry', nextAttemptAt }
	}
	await prisma.outbox.updateMany({ where: { id: BigInt(claimed.id), state: 'sending' }, data: { state: 'dead', deadAt: new Date(), lastError: reason, ...(secret ? { params: {} } : {}) } })
	return { status: 'dead', reason }
}

/**
 * The sweep: rows claimed so long ago that their worker must have died mid-send are dead-lettered
 * (outcome unknown, never re-sent); then the ids of messages due now, oldest first.
 */
export async function sweepOutbox(limit = 500): Promise<{ stale: number; due: { id: string; nextAttemptAt: Date }[] }> {
	const env = getEnv()
	const staleBefore = new Date(Date.now() - env.SMS_SENDING_STALE_MS)
	const stale = await sql`
		UPDATE outbox SET state = 'dead', "deadAt" = now(), "lastError" = 'outcome unknown, not retried: the worker stopped during the send',
			params = CASE WHEN template IN (${sql.join([...SECRET_TEMPLATES].map((t) => sql`${t}`), ', ')}) THEN '{}'::jsonb ELSE params END
		WHERE state = 'sending' AND "claimedAt" < ${staleBefore}`.run()
	const due = await sql`
		SELECT id::text AS id, "nextAttemptAt" FROM outbox
		WHERE channel = 'sms' AND state IN ('pending', 'retry') AND "nextAttemptAt" <= now()
		ORDER BY "nextAttemptAt" LIMIT ${limit}`.rows<{ id: string; nextAttemptAt: Date }>()
	return { stale, due }
}

/** Puts a dead letter back in the queue (an administrator, after checking it was not sent). */
export async function requeueDeadLetter(id: string) {
	const changed = await prisma.outbox.updateMany({ where: { id: BigInt(id), state: 'dead' }, data: { state: 'retry', attempts: 0, deadAt: null, nextAttemptAt: new Date() } })
	return changed.count === 1
}

export type SentMessage = { id: string; at: Date; phone: string; template: string; transport: string; text: string; requestId: string | null }
export type DeadLetter = { id: string; at: Date | null; phone: string; template: string; attempts: number; lastError: string | null }

/** For the administrators' page: the latest sends (what the phone got), the dead letters, counts per state. */
export async function listMessages(opts: { page: number; showNumbers: boolean }) {
	const pageSize = 50
	const sends = await prisma.smsSend.findMany({
		orderBy: { id: 'desc' },
		...pageWindow(opts.page, pageSize),
		select: { id: true, sentAt: true, toPhone: true, template: true, params: true, transport: true, providerRequestId: true },
	})
	const dead = await prisma.outbox.findMany({
		where: { state: 'dead' },
		orderBy: { id: 'desc' },
		take: 100,
		select: { id: true, deadAt: true, toPhone: true, template: true, attempts: true, lastError: true },
	})
	const counts = await prisma.outbox.groupBy({ by: ['state'], _count: { _all: true } })
	const phone = (p: string) => (opts.showNumbers ? p : maskPhone(p))
	return {
		hasMore: sends.length > pageSize,
		sent: sends.slice(0, pageSize).map(
			(s): SentMessage => ({ id: String(s.id), at: s.sentAt, phone: phone(s.toPhone), template: s.template, transport: s.transport, requestId: s.providerRequestId, text: textOf(s.template, s.params) }),
		),
		dead: dead.map((d): DeadLetter => ({ id: String(d.id), at: d.deadAt, phone: phone(d.toPhone), template: d.template, attempts: d.attempts, lastError: d.lastError })),
		counts: Object.fromEntries(counts.map((c) => [c.state, c._count._all])) as Record<string, number>,
	}
}

function textOf(template: string, kept: Prisma.JsonValue) {
	const vars = kept && typeof kept === 'object' && !Array.isArray(kept) ? (kept as Record<string, string>) : {}
	return textFor(template, vars)
}
