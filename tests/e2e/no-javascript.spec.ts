import { test as plain } from '@playwright/test'
import { DEMO_PASSWORD, expect, login, test } from './fixtures.ts'

// Issue 11 item 1: with scripts off (or before they load) a form is a plain HTML form. Chromium sends
// `Origin: null` for such a post if the page's referrer policy is no-referrer; sign-in must still work.
test.use({ javaScriptEnabled: false })
plain.use({ javaScriptEnabled: false })

// The two answers below are 4xx on purpose, which the console-error fixture would count as faults.

test('signs in with JavaScript disabled @phone', async ({ page }) => {
	await page.goto('/login')
	await page.getByLabel('手机号').fill('13800000001')
	await page.getByLabel('密码').fill(DEMO_PASSWORD)
	const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.getByRole('button', { name: '登录' }).last().click()])
	expect(response.status()).toBe(302)
	await expect(page.getByRole('navigation', { name: '主菜单' })).toBeVisible()
	expect(new URL(page.url()).pathname).not.toBe('/login')
})

plain('a wrong password with JavaScript disabled answers the sign-in page with its message, not a blank error', async ({ page }) => {
	await page.goto('/login')
	await page.getByLabel('手机号').fill('13800000002')
	await page.getByLabel('密码').fill('Wrong-password-1')
	await page.getByRole('button', { name: '登录' }).last().click()
	await expect(page.getByRole('heading', { name: '登录' })).toBeVisible()
	await expect(page.getByRole('alert')).not.toBeEmpty()
})

plain('a 10,000-character search answers the product’s own page', async ({ page }) => {
	await login(page, '13800000001')
	const response = await page.goto(`/services?q=${'a'.repeat(10_000)}`)
	expect(response?.status()).toBe(414)
	await expect(page.getByRole('link', { name: '返回首页' })).toBeVisible()
})
