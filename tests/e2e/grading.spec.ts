import { expect, expectAccessible, login, test } from './fixtures.ts'

// Issue 14 item 6 on a 360 px phone: a district officer grades an institution by the checklist, a
// city officer approves it, and families see the grade with its validity.
test.use({ viewport: { width: 360, height: 780 } })

test('a district officer grades by the checklist; a city officer puts the grade in force; families see it', async ({ page, browser }) => {
	test.setTimeout(120_000)
	await login(page, '13800000031')
	await page.goto('/bureau/grading')
	const assess = page.getByRole('link', { name: '评定', exact: true }).first()
	const href = (await assess.getAttribute('href'))!
	const providerId = new URL(href, 'http://x').searchParams.get('provider')!
	await assess.click()
	const form = page.locator('#checklist')
	await expect(form.getByRole('heading', { name: /^评定：/ })).toBeVisible()
	// Leaving items empty is refused by the browser; every item scored 8 of 10 gives 80 → 4 stars.
	for (const input of await form.locator('input[name^="score_"]').all()) await input.fill('8')
	await form.getByRole('button', { name: '提交评定' }).click()
	await expect(page.getByTestId('grading-result')).toContainText('总分 80，4 星级')
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
	await expectAccessible(page)
	// The assessor cannot approve their own grading.
	await expect(page.getByTestId('pending-grading').first()).toContainText('须由另一位市民政局干部审核')

	const cityContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 780 } })
	const city = await cityContext.newPage()
	await login(city, '13800000041')
	await city.goto('/bureau/grading')
	const pending = city.getByTestId('pending-grading').filter({ hasText: '总分' }).first()
	await expect(pending.getByTestId('grading-grade')).toHaveText('4 星级')
	await pending.getByRole('button', { name: '通过，等级生效' }).click()
	await expect(city.getByText('已记录审核结果。')).toBeVisible()
	await expectAccessible(city)
	// The checklist and the construction rates are versioned settings the city changes with a second officer.
	await city.getByRole('link', { name: '补贴标准与评定细则' }).click()
	await expect(city.getByRole('heading', { name: '建设补贴标准与等级评定细则' })).toBeVisible()
	// Construction rates, grading criteria and the inspection limit.
	await expect(city.getByRole('button', { name: '提交，待另一位干部审核' })).toHaveCount(3)
	await expectAccessible(city)

	// Families see the grade and its validity on the provider's page.
	const familyContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 780 } })
	const family = await familyContext.newPage()
	await login(family, '13800000001')
	await family.goto(`/services/providers/${providerId}`)
	await expect(family.getByTestId('grade')).toContainText('4 星级')
	await expect(family.getByTestId('grade-validity')).toContainText('评分 80，有效期至')
	await cityContext.close()
	await familyContext.close()
})
