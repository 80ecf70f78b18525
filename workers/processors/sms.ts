// The SMS queue (app/jobs/sms.server.ts): parse, then call the messaging module.
import type { Job } from 'bullmq'
import { enqueueSms, ensureSmsSweepScheduler, SMS_QUEUE, smsPayload } from '~/jobs/sms.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { sendOutboxMessage, sweepOutbox } from '~/modules/messaging/outbox.server.ts'
import { deleteOldPhoneCodes } from '~/modules/messaging/phone-codes.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	const payload = parsePayload(smsPayload, job)
	if (payload.kind === 'sweep') {
		const { stale, due } = await sweepOutbox()
		await deleteOldPhoneCodes()
		for (const m of due) await enqueueSms(m.id, m.nextAttemptAt)
		return { stale, queued: due.length }
	}
	const outcome = await sendOutboxMessage(payload.outboxId)
	if (outcome.status === 'retry' || outcome.status === 'deferred') await enqueueSms(payload.outboxId, outcome.nextAttemptAt)
	return outcome
}

export const smsWorker: WorkerDefinition = {
	queue: SMS_QUEUE,
	process,
	options: { concurrency: 4 },
	onStart: ensureSmsSweepScheduler,
}
