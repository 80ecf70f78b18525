// The SMS worker against a local stand-in for Aliyun Dysms that checks the request signature as the
// provider does (tests/setup/aliyun-sms-server.ts): the real BullMQ queue and processor, the real
// outbox, Redis limits and phone codes. Sent once, retried with backoff, dead-lettered after the
// last try, never sent twice (two workers at once, an unknown outcome, a worker that died mid-send),
// and the registration / reset codes (right, wrong, expired, too many tries, one a minute, per address).
import { Worker } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const ENV = await vi.hoisted(async () => {
	const { freePortSync } = await import('../../scripts/lib/ports.ts')
	const port = freePortSync()
	Object.assign(process.env, {
		SMS_TRANSPORT: 'aliyun',
		SMS_ALIYUN_ENDPOINT: `http://127.0.0.1:${port}/`,
		SMS_ALIYUN_ACCESS_KEY_ID: 'LTAI-test-key',
		SMS_ALIYUN_ACCESS_KEY_SECRET: 'test-secret-颐养',
		SMS_ALIYUN_SIGN_NAME: '荆门颐养',
		SMS_MAX_ATTEMPTS: '3',
		SMS_RETRY_BASE_MS: '50',
		SMS_SWEEP_MS: '200',
		// Far above what a send takes on a loaded machine: with 1 s the sweep dead-lettered a send still
		// in flight, and with a 400 ms (later 2 s) timeout a slow answer from the stand-in counted as
		// unknown. The tests of both cases make them happen on purpose (a row claimed long ago, a
		// provider that hangs past a transport given a short timeout of its own).
		SMS_SENDING_STALE_MS: '30000',
		SMS_HTTP_TIMEOUT_MS: '20000',
		SMS_LIMIT_PER_MINUTE: '2',
		PHONE_CODE_PER_IP_PER_HOUR: '3',
	})
	return { port }
})

import { getQueue, queuePrefix, workerConnection } from '~/jobs/queues.server.ts'
import { SMS_QUEUE } from '~/jobs/sms.server.ts'
import { prisma } from '~/lib/db.server.ts'
import { getEnv } from '~/lib/env.server.ts'
import { aliyunTransport, rpcSignature } from '~/modules/messaging/aliyun.server.ts'
import { backoffMs, listMessages, sendOutboxMessage, sweepOutbox } from '~/modules/messaging/outbox.server.ts'
import { requestPhoneCode, verifyPhoneCode } from '~/modules/messaging/phone-codes.server.ts'
import { takeNumberQuota } from '~/modules/messaging/rate-limit.server.ts'
import { transportFromEnv } from '~/modules/messaging/transport.server.ts'
import * as registerRoute from '~/routes/register.tsx'
import * as messagesRoute from '~/routes/admin.messages.tsx'
import * as resetRoute from '~/routes/reset-password.tsx'
import * as phoneRoute from '~/routes/account.phone.tsx'
import * as loginRoute from '~/routes/login.tsx'
import { smsWorker } from '../../workers/processors/sms.ts'
import { WORKERS } from '../../workers/processors/index.ts'
import { makeUser, TEST_PASSWORD, uniquePhone } from '../factories/accounts.ts'
import { startAliyunSmsServer } from '../setup/aliyun-sms-server.ts'
import { anonymous, callAction, callLoader, signIn } from '../setup/route.ts'

let provider: Awaited<ReturnType<typeof startAliyunSmsServer>>
let worker: Worker
beforeAll(async () => {
	provider = await startAliyunSmsServer({ port: ENV.port, accessKeyId: 'LTAI-test-key', secret: 'test-secret-颐养' })
	worker = new Worker(SMS_QUEUE, smsWorker.process, { connection: workerConnection(), prefix: queuePrefix(), concurrency: 4 })
	await smsWorker.onStart!()
})
afterAll(async () => {
	await worker.close()
	await getQueue(SMS_QUEUE).obliterate({ force: true })
	await getQueue(SMS_QUEUE).close()
	await provider.close()
})

async function until<T>(check: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
	const end = Date.now() + ms
	for (;;) {
		const v = await check()
		if (v) return v
		if (Date.now() > end) throw new Error('timed out waiting')
		await new Promise((r) => setTimeout(r, 50))
	}
}

async function message(phone: string, template = 'booking.confirmed', params: object = { offering: '上门助浴' }) {
	const row = await prisma.outbox.create({ data: { toPhone: phone, template, params, dedupeKey: `test:${phone}:${Math.random()}` }, select: { id: true } })
	return String(row.id)
}
const outboxRow = (id: string) => prisma.outbox.findUniqueOrThrow({ where: { id: BigInt(id) }, select: { state: true, attempts: true, lastError: true, sentAt: true, params: true } })
const codeSentTo = async (phone: string) => {
	const req = await until(async () => provider.accepted(phone).at(-1))
	return (JSON.parse(req.params.TemplateParam!) as { code: string }).code
}

describe('the SMS worker and the Aliyun adapter', () => {
	it('is registered with the workers and signs like the provider expects', async () => {
		expect(WORKERS).toContain(smsWorker)
		expect((await getQueue(SMS_QUEUE).getJobSchedulers()).map((s) => s.key)).toContain('sms-sweep')
		// Alibaba Cloud's documented example request, with its documented signature.
		const example = {
			AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou', SignName: '阿里云短信测试专用',
			SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0', TemplateCode: 'SMS_71390007',
			TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
		}
		expect(rpcSignature('GET', example, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=')
	})

	it('sends a queued message once, through the signed API, with its template and out-id', async () => {
		const phone = uniquePhone()
		const id = await message(phone, 'payment.succeeded', { offering: '上门助浴（60分钟）', amountFen: 12_345 })
		await until(async () => (await outboxRow(id)).state === 'sent')
		const [req, ...more] = provider.to(phone)
		expect(more).toEqual([])
		expect(req!.signatureOk).toBe(true)
		expect(req!.params).toMatchObject({ Action: 'SendSms', SignName: '荆门颐养', TemplateCode: 'SMS_YY_PAYMENT_SUCCEEDED', OutId: id, RegionId: 'cn-hangzhou' })
		expect(JSON.parse(req!.params.TemplateParam!)).toEqual({ offering: '上门助浴（60分钟）', amount: '123.45' })
		const send = await prisma.smsSend.findUniqueOrThrow({ where: { outboxId: BigInt(id) }, select: { transport: true, providerRequestId: true, providerMessageId: true } })
		expect(send.transport).toBe('aliyun')
		expect(send.providerMessageId).toMatch(/^biz-/)
		expect((await outboxRow(id)).attempts).toBe(1)
	})

	it('a request signed with the wrong secret is refused by the server, and the message is dead-lettered at once', async () => {
		const phone = uniquePhone()
		const wrong = aliyunTransport({ endpoint: process.env.SMS_ALIYUN_ENDPOINT!, accessKeyId: 'LTAI-test-key', accessKeySecret: 'not-the-secret', signName: '荆门颐养', regionId: 'cn-hangzhou', timeoutMs: 20_000 })
		await worker.pause()
		try {
			const id = await message(phone)
			const outcome = await sendOutboxMessage(id, wrong)
			expect(outcome).toMatchObject({ status: 'dead', reason: expect.stringContaining('SignatureDoesNotMatch') })
			expect(provider.to(phone).map((r) => r.answered)).toEqual(['SignatureDoesNotMatch'])
			expect(await outboxRow(id)).toMatchObject({ state: 'dead', attempts: 1 })
		} finally {
			worker.resume()
		}
	})

	it('retries a refusal the provider may lift, with backoff, and sends once', async () => {
		const phone = uniquePhone()
		provider.script(phone, [{ code: 'isv.BUSINESS_LIMIT_CONTROL' }, { code: 'isp.SYSTEM_ERROR', status: 500 }, 'ok'])
		const id = await message(phone)
		await until(async () => (await outboxRow(id)).state === 'sent')
		expect(provider.to(phone).map((r) => r.answered)).toEqual(['isv.BUSINESS_LIMIT_CONTROL', 'isp.SYSTEM_ERROR', 'OK'])
		expect(await outboxRow(id)).toMatchObject({ state: 'sent', attempts: 3, lastError: null })
		expect(await prisma.smsSend.count({ where: { outboxId: BigInt(id) } })).toBe(1)
	})

	it('dead-letters a message after the last try, shown to administrators', async () => {
		const phone = uniquePhone()
		provider.script(phone, [{ code: 'isp.SYSTEM_ERROR', status: 500 }, { code: 'isp.SYSTEM_ERROR', status: 500 }, { code: 'isp.SYSTEM_ERROR', status: 500 }, 'ok'])
		const id = await message(phone)
		await until(async () => (await outboxRow(id)).state === 'dead')
		await new Promise((r) => setTimeout(r, 500)) // sweeps pass: nothing more is tried
		expect(provider.to(phone)).toHaveLength(3)
		expect(await outboxRow(id)).toMatchObject({ state: 'dead', attempts: 3, lastError: expect.stringContaining('isp.SYSTEM_ERROR') })
		const page = await listMessages({ page: 1, showNumbers: true })
		expect(page.dead.find((d) => d.id === id)).toMatchObject({ phone, attempts: 3 })
		// A permanent refusal is not retried at all.
		const bad = uniquePhone()
		provider.script(bad, [{ code: 'isv.MOBILE_NUMBER_ILLEGAL' }])
		const badId = await message(bad)
		await until(async () => (await outboxRow(badId)).state === 'dead')
		expect(provider.to(bad)).toHaveLength(1)
	})

	it('never sends twice: racing workers, an unknown outcome, a worker that died mid-send', async () => {
		// Five tries at once on one row (as five workers would): one claim, one request.
		const phone = uniquePhone()
		await worker.pause()
		try {
			const id = await message(phone)
			const outcomes = await Promise.all(Array.from({ length: 5 }, () => sendOutboxMessage(id, transportFromEnv())))
			expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1)
			expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(4)
			expect(provider.to(phone)).toHaveLength(1)

			// The provider takes the request but answers too late: sent or not, it is not tried again.
			const slow = uniquePhone()
			provider.script(slow, [{ hangMs: 5000 }])
			const slowId = await message(slow)
			const impatient = transportFromEnv({ ...getEnv(), SMS_HTTP_TIMEOUT_MS: 500 })
			expect(await sendOutboxMessage(slowId, impatient)).toMatchObject({ status: 'dead', reason: expect.stringContaining('outcome unknown') })

			// A worker claimed a row and died before recording the answer: the sweep dead-letters it.
			const crashed = uniquePhone()
			const crashedId = await message(crashed)
			await prisma.outbox.update({ where: { id: BigInt(crashedId) }, data: { state: 'sending', attempts: 1, claimedAt: new Date(Date.now() - 60_000) } })
			const swept = await sweepOutbox()
			expect(swept.stale).toBeGreaterThanOrEqual(1)
			expect(swept.due.map((d) => d.id)).not.toContain(crashedId)
			expect(await outboxRow(crashedId)).toMatchObject({ state: 'dead', lastError: expect.stringContaining('outcome unknown') })
			expect(await sendOutboxMessage(crashedId, transportFromEnv())).toEqual({ status: 'skipped' })
			expect(provider.to(crashed)).toHaveLength(0)
			expect(provider.to(slow)).toHaveLength(1)
		} finally {
			worker.resume()
		}
	})

	it('backs off exponentially between tries', async () => {
		expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([50, 100, 200, 400])
		const phone = uniquePhone()
		provider.script(phone, [{ code: 'Throttling.User' }, { code: 'Throttling.User' }])
		await worker.pause()
		try {
			const id = await message(phone)
			// The next try is due the backoff after the answer: bounded by the times before and after the
			// call, however long the call itself took.
			const before1 = Date.now()
			const one = await sendOutboxMessage(id, transportFromEnv())
			const after1 = Date.now()
			expect(one.status).toBe('retry')
			const next1 = (one as { nextAttemptAt: Date }).nextAttemptAt.getTime()
			expect(next1 - before1).toBeGreaterThanOrEqual(50)
			expect(next1 - after1).toBeLessThanOrEqual(50)
			await new Promise((r) => setTimeout(r, Math.max(0, next1 - Date.now()) + 50))
			const before2 = Date.now()
			const two = await sendOutboxMessage(id, transportFromEnv())
			const after2 = Date.now()
			expect(two.status).toBe('retry')
			const next2 = (two as { nextAttemptAt: Date }).nextAttemptAt.getTime()
			expect(next2 - before2).toBeGreaterThanOrEqual(100)
			expect(next2 - after2).toBeLessThanOrEqual(100)
			expect(await outboxRow(id)).toMatchObject({ state: 'retry', attempts: 2, lastError: expect.stringContaining('Throttling.User') })
		} finally {
			worker.resume()
		}
	})

	it('keeps to the per-number limit: a message over it waits, without using a try', async () => {
		const phone = uniquePhone()
		await worker.pause()
		try {
			const ids = [await message(phone), await message(phone), await message(phone)]
			const outcomes = []
			// The windows are fixed minutes of the clock: the three sends are counted at one instant, so a
			// slow send cannot carry the third into the next minute (it did at load 10, 2 Dec).
			const at = Date.now()
			const quota = (to: string) => takeNumberQuota(to, undefined, at)
			for (const id of ids) outcomes.push(await sendOutboxMessage(id, transportFromEnv(), { quota }))
			expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'deferred'])
			expect(await outboxRow(ids[2]!)).toMatchObject({ state: 'pending', attempts: 0 })
			expect(provider.to(phone)).toHaveLength(2)
		} finally {
			worker.resume()
		}
	})
})

describe('the administrators\' page', () => {
	it('lists sent messages and dead letters to administrators only, and queues a dead letter again', async () => {
		const phone = uniquePhone()
		provider.script(phone, [{ code: 'isv.MOBILE_NUMBER_ILLEGAL' }, 'ok'])
		const id = await message(phone)
		await until(async () => (await outboxRow(id)).state === 'dead')
		const admin = await signIn(await makeUser({ role: 'admin' }))
		const page = await callLoader<{ dead: { id: string; phone: string; lastError: string }[]; sent: unknown[]; counts: Record<string, number> }>(messagesRoute, '/admin/messages', { as: admin })
		expect(page.status).toBe(200)
		// The real transport: numbers masked.
		expect(page.data.dead.find((d) => d.id === id)).toMatchObject({ phone: `${phone.slice(0, 3)}****${phone.slice(7)}`, lastError: expect.stringContaining('isv.MOBILE_NUMBER_ILLEGAL') })
		expect(page.data.counts.dead).toBeGreaterThanOrEqual(1)
		const family = await signIn(await makeUser({ role: 'family' }))
		expect((await callLoader(messagesRoute, '/admin/messages', { as: family })).status).toBe(403)
		expect((await callAction(messagesRoute, '/admin/messages', { id, formId: `requeue-${id}` }, { as: family })).status).toBe(403)

		const requeued = await callAction(messagesRoute, '/admin/messages', { id, formId: `requeue-${id}` }, { as: admin })
		expect(requeued.status).toBe(200)
		await until(async () => (await outboxRow(id)).state === 'sent')
		expect(provider.accepted(phone)).toHaveLength(1)
		expect(await prisma.auditLog.count({ where: { action: 'sms.requeue', entityId: id } })).toBe(1)
		expect((await callAction(messagesRoute, '/admin/messages', { id, formId: `requeue-${id}` }, { as: admin })).status).toBe(404)
	})
})

describe('phone codes', () => {
	it('registration: code sent by SMS, wrong then right, once a minute; the code is never stored readable', async () => {
		const phone = uniquePhone()
		const visitor = await anonymous()
		const sent = await callAction(registerRoute, '/register', { intent: 'sendCode', formId: 'register-sms', phone }, { as: visitor })
		expect(sent.status).toBe(200)
		const code = await codeSentTo(phone)
		expect(code).toMatch(/^\d{6}$/)
		// Sent: the outbox row no longer holds it; only its HMAC is kept.
		await until(async () => (await prisma.outbox.findFirst({ where: { toPhone: phone, template: 'auth.code', state: 'sent' }, select: { params: true } }))?.params)
		expect(JSON.stringify(await prisma.outbox.findMany({ where: { toPhone: phone }, select: { params: true } }))).not.toContain(code)
		expect(JSON.stringify(await prisma.smsSend.findMany({ where: { toPhone: phone }, select: { params: true } }))).not.toContain(code)

		const again = await callAction(registerRoute, '/register', { intent: 'sendCode', formId: 'register-sms', phone }, { as: visitor })
		expect(again.status).toBe(429)
		expect(JSON.stringify(again.data)).toContain('errors.code.wait')
		// One a minute per number, whatever the purpose.
		expect(await requestPhoneCode({ phone, purpose: 'reset', ip: null })).toMatchObject({ ok: false, status: 429, fieldErrors: { phone: ['errors.code.wait'] } })

		const fields = { formId: 'register', name: '李秀英', phone, password: 'Family2026x', confirmPassword: 'Family2026x', agreePrivacy: 'on' }
		const wrongCode = code === '000000' ? '111111' : '000000'
		const wrong = await callAction(registerRoute, '/register', { ...fields, code: wrongCode }, { as: visitor })
		expect(wrong.status).toBe(400)
		expect(JSON.stringify(wrong.data)).toContain('errors.code.wrong')
		expect(await prisma.user.count({ where: { phone } })).toBe(0)
		const right = await callAction(registerRoute, '/register', { ...fields, code }, { as: visitor })
		expect(right.status).toBe(302)
		expect(right.location).toBe('/elders')
		expect(await prisma.user.count({ where: { phone, role: 'family' } })).toBe(1)
		// Used up.
		expect(await verifyPhoneCode({ phone, purpose: 'register', code })).toMatchObject({ ok: false, fieldErrors: { code: ['errors.code.none'] } })
	})

	it('expired after five minutes; five wrong tries end the code', async () => {
		const phone = uniquePhone()
		expect((await requestPhoneCode({ phone, purpose: 'register', ip: null })).ok).toBe(true)
		const code = await codeSentTo(phone)
		await prisma.phoneCode.updateMany({ where: { phone }, data: { expiresAt: new Date(Date.now() - 1) } })
		expect(await verifyPhoneCode({ phone, purpose: 'register', code })).toMatchObject({ ok: false, status: 400, fieldErrors: { code: ['errors.code.expired'] } })

		const other = uniquePhone()
		await requestPhoneCode({ phone: other, purpose: 'register', ip: null })
		const right = await codeSentTo(other)
		const wrong = right === '999999' ? '888888' : '999999'
		for (let i = 1; i <= 4; i++) expect(await verifyPhoneCode({ phone: other, purpose: 'register', code: wrong })).toMatchObject({ ok: false, fieldErrors: { code: ['errors.code.wrong'] } })
		expect(await verifyPhoneCode({ phone: other, purpose: 'register', code: wrong })).toMatchObject({ ok: false, status: 429, fieldErrors: { code: ['errors.code.tooManyTries'] } })
		expect(await verifyPhoneCode({ phone: other, purpose: 'register', code: right })).toMatchObject({ ok: false, status: 429 })
	})

	it('limits requests per client address', async () => {
		const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`
		// The window is the clock's hour: the four requests are counted at one instant, so none can fall into the next hour.
		const at = Date.now()
		for (let i = 0; i < 3; i++) expect((await requestPhoneCode({ phone: uniquePhone(), purpose: 'register', ip }, at)).ok).toBe(true)
		expect(await requestPhoneCode({ phone: uniquePhone(), purpose: 'register', ip }, at)).toMatchObject({ ok: false, status: 429, formError: 'errors.code.addressLimit' })
	})

	it('changing one’s number: a code to the new number and the password move the account; the old number is told; other sessions end', async () => {
		const user = await makeUser({ role: 'family' })
		const oldPhone = user.phone
		const here = await signIn(user)
		const elsewhere = await signIn(user)
		const newPhone = uniquePhone()
		const post = (fields: Record<string, string>) => callAction(phoneRoute, '/account/phone', fields, { as: here })
		// Not one's own number, nor another account's.
		expect((await post({ intent: 'sendCode', formId: 'phone-sms', phone: oldPhone })).status).toBe(400)
		const other = await makeUser({ role: 'family' })
		const taken = await post({ intent: 'sendCode', formId: 'phone-sms', phone: other.phone })
		expect(taken.status).toBe(409)
		expect(JSON.stringify(taken.data)).toContain('errors.phone.otherAccount')
		expect(await prisma.phoneCode.count({ where: { phone: other.phone } })).toBe(0)

		expect((await post({ intent: 'sendCode', formId: 'phone-sms', phone: newPhone })).status).toBe(200)
		const code = await codeSentTo(newPhone)
		const fields = { formId: 'change-phone', phone: newPhone, code, password: TEST_PASSWORD }
		// A wrong password: nothing changes, and the code is not used up.
		const wrongPassword = await post({ ...fields, password: 'Not-the-password1' })
		expect(wrongPassword.status).toBe(401)
		expect(JSON.stringify(wrongPassword.data)).toContain('errors.reauth.invalid')
		const wrongCode = await post({ ...fields, code: code === '000000' ? '111111' : '000000' })
		expect(wrongCode.status).toBe(400)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { phone: true } })).toEqual({ phone: oldPhone })

		const done = await post(fields)
		expect(done.status).toBe(200)
		expect(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { phone: true } })).toEqual({ phone: newPhone })
		// The session that did it stays; the other one ends.
		expect(await prisma.session.findMany({ where: { userId: user.id }, select: { id: true } })).toHaveLength(1)
		expect((await callLoader(phoneRoute, '/account/phone', { as: elsewhere })).status).toBe(302)
		expect((await callLoader(phoneRoute, '/account/phone', { as: here })).status).toBe(200)
		// The old number hears of it through the provider, with the new number's last digits only.
		const notice = await until(async () => provider.accepted(oldPhone).find((r) => r.params.TemplateCode === 'SMS_YY_PHONE_CHANGED'))
		expect(JSON.parse(notice.params.TemplateParam!)).toEqual({ tail: newPhone.slice(-4) })
		expect(await prisma.auditLog.findFirst({ where: { action: 'account.change_phone', entityId: user.id }, select: { details: true } })).toMatchObject({ details: { from: `${oldPhone.slice(0, 3)}****${oldPhone.slice(-4)}` } })
		// The code is used up; the old number signs in no more, the new one does.
		expect((await post(fields)).status).toBe(400)
		expect((await callAction(loginRoute, '/login', { phone: oldPhone, password: TEST_PASSWORD }, { as: await anonymous() })).status).toBe(401)
		expect((await callAction(loginRoute, '/login', { phone: newPhone, password: TEST_PASSWORD }, { as: await anonymous() })).status).toBe(302)
	})

	it('password reset: a code for a registered number resets the password and ends its sessions; an unknown number gets the same answer and no SMS', async () => {
		const user = await makeUser({ role: 'family' })
		const session = await signIn(user)
		const visitor = await anonymous()
		const sent = await callAction(resetRoute, '/reset-password', { intent: 'sendCode', formId: 'reset-sms', phone: user.phone }, { as: visitor })
		expect(sent.status).toBe(200)
		const code = await codeSentTo(user.phone)
		const reset = await callAction(resetRoute, '/reset-password', { formId: 'reset', phone: user.phone, code, password: 'NewPass2026x', confirmPassword: 'NewPass2026x' }, { as: visitor })
		expect(reset.status).toBe(302)
		expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0)
		expect(session.userId).toBe(user.id)

		const stranger = uniquePhone()
		const answer = await callAction(resetRoute, '/reset-password', { intent: 'sendCode', formId: 'reset-sms', phone: stranger }, { as: visitor })
		expect(answer.status).toBe(200)
		await new Promise((r) => setTimeout(r, 400))
		expect(provider.to(stranger)).toHaveLength(0)
		expect(await prisma.outbox.count({ where: { toPhone: stranger } })).toBe(0)
	})
})
