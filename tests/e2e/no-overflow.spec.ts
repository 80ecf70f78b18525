// Nothing scrolls sideways on a phone (issue 11 item 3): every page of every role, at 320, 360 and
// 390 px, in Chinese and English, with large text (the widest case) and in Chinese with normal text.
// One load per page and setting; the widths are checked by resizing the loaded page. Failures list
// the page, the setting and the element that sticks out.
import type { Page } from '@playwright/test'
import { NAV_ITEMS } from '~/components/nav-items.ts'
import type { Role } from '~/generated/prisma/enums.ts'
import { expect, login, test } from './fixtures.ts'

const WIDTHS = [320, 360, 390] as const

type Setting = { locale: 'zh-CN' | 'en'; large: boolean }
const SETTINGS: Setting[] = [
	{ locale: 'zh-CN', large: true },
	{ locale: 'en', large: true },
	{ locale: 'zh-CN', large: false },
]

/** The element furthest beyond the right edge, described for the failure message; null when nothing overflows. */
async function overflow(page: Page): Promise<string | null> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth
		if (document.documentElement.scrollWidth <= width + 1) return null
		let worst: Element | null = null
		let right = width
		// Inside a scroll container (a wide table's wrapper) or a clipped box, sticking out is not overflow of the page.
		const contained = (el: Element) => {
			for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true
			return false
		}
		for (const el of document.body.querySelectorAll('*')) {
			if (contained(el)) continue
			const r = el.getBoundingClientRect()
			if (r.right > right + 1 && r.width > 0) {
				right = r.right
				worst = el
			}
		}
		const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`
		return worst ? `${describe(worst)} "${(worst.textContent ?? '').trim().slice(0, 40)}" right=${Math.round(right)}` : `scrollWidth ${document.documentElement.scrollWidth}`
	})
}

async function choose(page: Page, s: Setting) {
	await page.goto('/')
	const lang = await page.evaluate(() => document.documentElement.lang)
	if (lang !== s.locale) {
		await page.locator('form[action="/preferences"] input[name="locale"]').locator('xpath=..').getByRole('button').click()
		await expect(page.locator('html')).toHaveAttribute('lang', s.locale)
	}
	const large = (await page.locator('html').getAttribute('data-text-size')) === 'large'
	if (large !== s.large) {
		await page.locator('form[action="/preferences"] input[name="textSize"]').locator('xpath=..').getByRole('button').click()
		await expect(page.locator('html')).toHaveAttribute('data-text-size', s.large ? 'large' : 'normal')
	}
}

/**
 * Each setting in a browser context of its own (signed in as `page` is, with the same console-error
 * check), the three side by side: the pages and checks are the same as one after another, but the
 * server and the browser's renderers work in parallel instead of waiting on each other.
 */
async function checkPages(page: Page, consoleErrors: string[], paths: string[]) {
	const storageState = await page.context().storageState()
	const browser = page.context().browser()!
	const failures = (
		await Promise.all(
			SETTINGS.map(async (s, i) => {
				if (i === 0) return checkSetting(page, s, paths)
				const context = await browser.newContext({ storageState })
				try {
					const other = await context.newPage()
					other.on('console', (msg) => {
						if (msg.type() === 'error') consoleErrors.push(msg.text())
					})
					other.on('pageerror', (err) => consoleErrors.push(err.message))
					return await checkSetting(other, s, paths)
				} finally {
					await context.close()
				}
			}),
		)
	).flat()
	expect(failures).toEqual([])
}

async function checkSetting(page: Page, s: Setting, paths: string[]) {
	const failures: string[] = []
	await page.setViewportSize({ width: 390, height: 800 })
	await choose(page, s)
	for (const path of paths) {
		await page.setViewportSize({ width: 390, height: 800 })
		const res = await page.goto(path)
		expect(res?.status(), `${path} answers`).toBeLessThan(400)
		if (s.locale === 'zh-CN') {
			// Chinese pages speak Chinese: no district slugs or enum codes (bureau_city, in_service) reach the reader.
			const codes = await page.evaluate(() => (document.querySelector('main')?.innerText ?? '').match(/\b(dongbao|duodao|jingshan|shayang|zhongxiang|qujialing|[a-z]+_[a-z_]+)\b/g))
			if (codes) failures.push(`${path} zh-CN shows internal codes: ${[...new Set(codes)].join(', ')}`)
		}
		for (const width of s.large || s.locale === 'zh-CN' ? WIDTHS : ([320] as const)) {
			await page.setViewportSize({ width, height: 800 })
			const sticking = await overflow(page)
			if (sticking) failures.push(`${path} @${width}px ${s.locale}${s.large ? ' large' : ''}: ${sticking}`)
		}
	}
	return failures
}

/** The role's menu, plus the detail pages found by following the first link to one. */
async function pagesOf(page: Page, role: Role, extra: string[] = []) {
	const menu = NAV_ITEMS.filter((i) => i.roles.includes(role)).map((i) => i.to)
	return [...new Set(['/', ...menu, '/account/sessions', ...extra])]
}

async function firstLink(page: Page, from: string, pattern: RegExp) {
	await page.goto(from)
	const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
	return hrefs.find((h) => pattern.test(h)) ?? null
}

// No trace: recording one (a DOM snapshot and a screenshot at each of a thousand resizes and checks)
// cost about a third of this file's CPU, and a failure already names the page, the setting and the
// element that sticks out.
test.use({ trace: 'off' })

test.describe('no page scrolls sideways on a phone', () => {
	test.setTimeout(600_000)

	test('signed out', async ({ page, consoleErrors }) => {
		const notice = await firstLink(page, '/services', /^\/services\/providers\//)
		await checkPages(page, consoleErrors, ['/', '/login', '/register', '/reset-password', '/services', '/services?kind=meals', '/providers/apply', '/privacy', ...(notice ? [notice] : [])])
	})

	test('family', async ({ page, consoleErrors }) => {
		await login(page, '13800000001')
		const elder = await firstLink(page, '/elders', /^\/elders\/[0-9a-f-]{36}$/)
		const booking = await firstLink(page, '/bookings', /^\/bookings\/[0-9a-f-]{36}$/)
		const offering = await firstLink(page, '/services', /^\/services\/book\//)
		await checkPages(page, consoleErrors, await pagesOf(page, 'family', ['/elders/new', '/subsidies/apply', '/account/data', '/account/phone', '/account/requests', ...[elder, booking, offering].filter((x): x is string => !!x)]))
	})

	test('provider and institution staff', async ({ page, consoleErrors }) => {
		await login(page, '13800000011')
		await checkPages(page, consoleErrors, [...(await pagesOf(page, 'provider_staff')).filter((p) => !p.startsWith('/institution') && !p.startsWith('/centre')), '/provider/offerings/new', '/provider/staff'])
	})

	test('institution staff', async ({ page, consoleErrors }) => {
		await login(page, '13800000012')
		const bed = await firstLink(page, '/institution/beds', /^\/institution\/beds\/[0-9a-f-]{36}$/)
		await checkPages(page, consoleErrors, ['/', '/institution', '/institution/beds', '/institution/admissions', '/institution/requests', '/institution/facts', '/institution/construction', ...(bed ? [bed] : [])])
	})

	test('community and township officers, assessor', async ({ page, consoleErrors }) => {
		await login(page, '13800000021')
		const elder = await firstLink(page, '/elders', /^\/elders\/[0-9a-f-]{36}$/)
		await checkPages(page, consoleErrors, await pagesOf(page, 'community_officer', ['/elders/new', ...(elder ? [elder, `${elder}/statuses`] : [])]))
	})

	test('district officer', async ({ page, consoleErrors }) => {
		await login(page, '13800000031')
		await checkPages(page, consoleErrors, await pagesOf(page, 'bureau_district'))
	})

	test('city officer', async ({ page, consoleErrors }) => {
		await login(page, '13800000041')
		const run = await firstLink(page, '/bureau/allowance', /^\/bureau\/allowance\/runs\/[0-9a-f-]{36}$/)
		await checkPages(page, consoleErrors, await pagesOf(page, 'bureau_city', ['/bureau/allowance/settings', '/bureau/plan', '/bureau/population', '/bureau/construction', '/bureau/grading', ...(run ? [run, `${run}/people`] : [])]))
	})
})
