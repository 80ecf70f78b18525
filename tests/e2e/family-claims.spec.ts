import { expect, expectAccessible, login, test, unregisteredIdNumber } from './fixtures.ts'

// Issue 11 item 4: a family claims an elder already in the registry; the community confirms; the
// family then sees the elder. On a 360 px phone.
test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })


test('a family claims a registered elder and sees them once the community confirms @phone', async ({ page, browser }, testInfo) => {
	test.setTimeout(120_000)
	const idNumber = await unregisteredIdNumber(testInfo.project.name === 'phone' ? '1937-08-15' : '1937-08-14')
	const name = `认领${[...String(Date.now()).slice(-3)].map((d) => '甲乙丙丁戊己庚辛壬癸'[Number(d)]).join('')}`

	// The community officer registers the elder (no family).
	await login(page, '13800000021')
	await page.goto('/elders/new')
	await page.getByLabel('身份证号').fill(idNumber)
	await page.getByLabel('老人姓名').fill(name)
	await page.getByLabel('社区/村').selectOption({ label: '龙泉社区 (社区)' })
	await page.getByRole('button', { name: '登记', exact: true }).click()
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible()

	// A family registers the same number: a request, not a refusal, and nothing of the elder shown.
	const familyContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })
	const family = await familyContext.newPage()
	await login(family, '13800000002')
	await family.goto('/elders/new')
	await family.getByLabel('身份证号').fill(idNumber)
	await family.getByLabel('老人姓名').fill(name)
	await family.getByLabel('与老人的关系').selectOption('child')
	await family.getByLabel('区县').selectOption('dongbao')
	await family.getByLabel('社区/村').selectOption({ label: '龙泉社区 (社区)' })
	await family.getByLabel('老人本人').check()
	await family.getByRole('button', { name: '保存' }).click()
	await expect(family.getByRole('status').filter({ hasText: '关联申请已送到' })).toBeVisible()
	const request = family.getByTestId('my-claim').filter({ hasText: name })
	await expect(request).toContainText('等待社区确认')
	await expect(request).toContainText('龙泉社区')
	await expect(request).toContainText('办公时间')
	await expectAccessible(family)

	// The officer confirms it from the queue.
	await page.goto('/elders')
	await page.getByRole('link', { name: /条家属关联申请待处理/ }).click()
	await expect(page.getByRole('heading', { name: '家属关联申请', level: 1 })).toBeVisible()
	const row = page.getByTestId('claim').filter({ hasText: name })
	await expectAccessible(page)
	await row.getByRole('button', { name: '确认关系并关联' }).click()
	await expect(page.getByRole('status').filter({ hasText: '已确认' })).toBeVisible()

	// The family now sees the elder, and was told.
	await family.goto('/elders')
	await expect(family.getByRole('link', { name })).toBeVisible()
	await family.goto('/notifications')
	await expect(family.getByText(`社区已确认您与${name}的关系`)).toBeVisible()
	const width = await family.evaluate(() => document.documentElement.scrollWidth)
	expect(width).toBeLessThanOrEqual(360)
	await familyContext.close()
})
