// The SMS queue (processor: workers/processors/sms.ts). A scheduler fires 'sweep' every
// SMS_SWEEP_MS: it dead-letters sends whose worker died mid-call and queues one 'send' job per
// message due (the outbox in PostgreSQL is the truth; Redis only carries the work, so a Redis that
// lost its data loses nothing). A try refused for a reason the provider may lift queues the next
// try as a delayed job after an exponential backoff (app/modules/messaging/outbox.server.ts).
// Job ids are deterministic per message and due time (`sms-<outboxId>-<due ms>`): the sweep and
// the delayed retry name the same job, which BullMQ keeps once.
import { z } from 'zod'
import { getEnv } from '~/lib/env.server.ts'
import { getQueue } from './queues.server.ts'

export const SMS_QUEUE = 'sms'
export const SMS_SWEEP_SCHEDULER_ID = 'sms-sweep'

export const smsPayload = z.discriminatedUnion('kind', [z.object({ kind: z.literal('sweep') }), z.object({ kind: z.literal('send'), outboxId: z.string().regex(/^\d+$/) })])
export type SmsJob = z.infer<typeof smsPayload>

export function smsQueue() {
	return getQueue<SmsJob>(SMS_QUEUE)
}

export function smsJobId(outboxId: string, due: Date) {
	return `sms-${outboxId}-${due.getTime()}`
}

/** Queues one try of a message at `due` (now or later). */
export async function enqueueSms(outboxId: string, due: Date) {
	const delay = Math.max(0, due.getTime() - Date.now())
	return smsQueue().add('send', { kind: 'send', outboxId }, { jobId: smsJobId(outboxId, due), delay, removeOnComplete: 1000, removeOnFail: 5000 })
}

/** Upserted by every worker at start: one scheduler however many workers. */
export async function ensureSmsSweepScheduler() {
	await smsQueue().upsertJobScheduler(SMS_SWEEP_SCHEDULER_ID, { every: getEnv().SMS_SWEEP_MS }, { name: 'sweep', data: { kind: 'sweep' }, opts: { removeOnComplete: 100, removeOnFail: 500 } })
}
