// Step-up: sensitive acts ask for the password again when the last check is older than five minutes.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { currentSessionId } from '~/modules/auth/session.server.ts'
import * as elderPage from '~/routes/elders.$elderId.tsx'
import * as reauthPage from '~/routes/reauth.tsx'
import { makeUser, TEST_PASSWORD } from '../factories/accounts.ts'
import { callAction, callLoader, signIn, type Visitor } from '../setup/route.ts'

async function ageSession(visitor: Visitor, minutes: number) {
	const sid = await currentSessionId(new Request('http://localhost/', { headers: { cookie: visitor.cookie } }))
	await prisma.session.update({ where: { id: sid! }, data: { authenticatedAt: new Date(Date.now() - minutes * 60_000) } })
}

describe('step-up before revealing an identity number', () => {
	it('sends an officer whose last check is over five minutes old to /reauth, and back after the password', async () => {
		const officer = await signIn(await makeUser({ role: 'bureau_city', name: '市局复核员' }))
		const elder = await prisma.elder.findFirstOrThrow({ select: { id: true } })
		const path = `/elders/${elder.id}`
		const params = { elderId: elder.id }
		const reveals = () => prisma.auditLog.count({ where: { action: 'pii.reveal_id_number', entityId: elder.id, actorId: officer.userId } })

		// Just signed in: the reveal goes through.
		expect((await callAction(elderPage, path, { intent: 'reveal' }, { as: officer, params })).status).toBe(200)
		expect(await reveals()).toBe(1)

		await ageSession(officer, 6)
		const asked = await callAction(elderPage, path, { intent: 'reveal' }, { as: officer, params })
		expect(asked.status).toBe(302)
		expect(asked.location).toBe(`/reauth?redirectTo=${encodeURIComponent(path)}`)
		expect(await reveals()).toBe(1)

		expect((await callLoader(reauthPage, '/reauth', { as: officer })).status).toBe(200)
		const wrong = await callAction(reauthPage, '/reauth', { password: 'not-the-password1', redirectTo: path }, { as: officer })
		expect(wrong.status).toBe(401)
		expect(JSON.stringify(wrong.data)).toContain('errors.reauth.invalid')
		expect(await prisma.auditLog.count({ where: { action: 'auth.reauth_failed', actorId: officer.userId } })).toBe(1)

		const empty = await callAction(reauthPage, '/reauth', { password: '', redirectTo: path }, { as: officer })
		expect(empty.status).toBe(400)

		const right = await callAction(reauthPage, '/reauth', { password: TEST_PASSWORD, redirectTo: path }, { as: officer })
		expect(right.status).toBe(302)
		expect(right.location).toBe(path)
		expect((await callAction(elderPage, path, { intent: 'reveal' }, { as: officer, params })).status).toBe(200)
		expect(await reveals()).toBe(2)
	})

	it('never sends anyone off-site after re-authenticating, and needs a session', async () => {
		const officer = await signIn(await makeUser({ role: 'bureau_district', districtId: 'dongbao' }))
		const res = await callAction(reauthPage, '/reauth', { password: TEST_PASSWORD, redirectTo: '//evil.example/' }, { as: officer })
		expect(res.location).toBe('/')
		const anonymousTry = await callLoader(reauthPage, '/reauth')
		expect(anonymousTry.status).toBe(302)
		expect(anonymousTry.location).toMatch(/^\/login/)
	})
})
