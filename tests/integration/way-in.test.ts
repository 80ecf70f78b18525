// A way in: the signed-out home page leads to search and to the provider application; search and
// provider pages can be browsed signed out (booking asks for sign-in); a family's first search starts
// in its elder's district.
import { describe, expect, it } from 'vitest'
import * as home from '~/routes/_index.tsx'
import * as providerPage from '~/routes/services.providers.$providerId.tsx'
import * as search from '~/routes/services._index.tsx'
import { makeFamily, makeProvider } from '../factories/marketplace.ts'
import { makeUser } from '../factories/accounts.ts'
import { callLoader, signIn } from '../setup/route.ts'

type SearchData = { hits: { id: string; providerKind: string }[]; canBook: boolean; signedIn: boolean; params: { district: string } }

describe('signed out', () => {
	it('browses services and a provider page, and is asked to sign in only to book', async () => {
		const provider = await makeProvider()
		const res = await callLoader<SearchData>(search, `/services?q=${encodeURIComponent('上门助浴测试')}`)
		expect(res.status).toBe(200)
		expect(res.data.hits.map((h) => h.id)).toContain(provider.offeringId)
		expect(res.data).toMatchObject({ canBook: true, signedIn: false })

		const page = await callLoader<{ canBook: boolean; signedIn: boolean }>(providerPage, `/services/providers/${provider.providerId}`, { params: { providerId: provider.providerId } })
		expect(page.status).toBe(200)
		expect(page.data).toMatchObject({ canBook: true, signedIn: false })
	})

	it('filters by the kind of provider the home page tiles name', async () => {
		const res = await callLoader<SearchData>(search, '/services?kind=institution')
		expect(res.status).toBe(200)
		expect(res.data.hits.length).toBeGreaterThan(0)
		expect(new Set(res.data.hits.map((h) => h.providerKind))).toEqual(new Set(['institution']))
		// An unknown kind is ignored, not an error.
		expect((await callLoader(search, '/services?kind=%3Cscript%3E')).status).toBe(200)
	})

	it('gets a home page that links to search by kind and to the provider application', async () => {
		const res = await callLoader<{ user: null }>(home, '/')
		expect(res.data.user).toBeNull()
		// The links themselves are in the component; the routes they lead to answer signed out.
		expect((await callLoader(search, '/services?kind=home_care')).status).toBe(200)
	})
})

describe('a family', () => {
	it('starts its first search in its elder’s district, and can widen it to the whole city', async () => {
		const family = await signIn((await makeFamily()).phone)
		const first = await callLoader(search, '/services', { as: family })
		expect(first.status).toBe(302)
		expect(first.location).toBe('/services?district=dongbao')
		const whole = await callLoader<SearchData>(search, '/services?district=', { as: family })
		expect(whole.status).toBe(200)
		expect(whole.data.params.district).toBe('')
		expect(whole.data).toMatchObject({ canBook: true, signedIn: true })
	})

	it('is not redirected when it has no elder yet; officers never are', async () => {
		const newcomer = await signIn(await makeUser({ role: 'family' }))
		expect((await callLoader(search, '/services', { as: newcomer })).status).toBe(200)
		const officer = await signIn(await makeUser({ role: 'bureau_city' }))
		const res = await callLoader<SearchData>(search, '/services', { as: officer })
		expect(res.status).toBe(200)
		expect(res.data.canBook).toBe(false)
	})
})
