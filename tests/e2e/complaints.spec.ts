import { expect, expectAccessible, login, test } from './fixtures.ts'

// Issue 14 item 8 in the browser, on a 360 px phone: a family whose elder lives in the demo
// institution files a complaint about the stay; the institution answers; the district officer closes
// it with a finding; the family reads the outcome.

test.use({ viewport: { width: 360, height: 780 } })

/** A valid identity number (GB 11643 check character) for a birth date no seeded or other test elder has. */
function idNumberOf(region: string, birth: string, sequence: number) {
	const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`
	const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
	const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0)
	return first17 + '10X98765432'[sum % 11]
}

test('a complaint answered and closed @phone', async ({ page, browser }, testInfo) => {
	test.setTimeout(180_000)
	// Each project (desktop, phone) runs it against the same database: its own elder and wording.
	const phone = testInfo.project.name === 'phone'
	const idNumber = idNumberOf('420802', '19330408', phone ? 118 : 117)
	const name = phone ? '邓秀珍' : '邓秀英'
	const text = phone ? '晚餐经常是凉的，老人吃不下。' : '午餐经常是凉的，老人吃不下。'
	const mark = text.slice(0, 7)

	// The family registers the elder; the institution admits them (so the family has used it).
	await login(page, '13800000001')
	await page.goto('/elders/new')
	await page.getByLabel('身份证号').fill(idNumber)
	await page.getByLabel('老人姓名').fill(name)
	await page.getByLabel('与老人的关系').selectOption('child')
	await page.getByLabel('区县').selectOption('dongbao')
	await page.getByLabel('社区/村').selectOption({ index: 1 })
	await page.getByLabel('老人本人').check()
	await page.getByRole('button', { name: '保存' }).click()
	await expect(page.getByRole('heading', { name })).toBeVisible()

	const staffContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 780 } })
	const staff = await staffContext.newPage()
	await login(staff, '13800000012')
	await staff.goto('/institution/admissions')
	await staff.getByLabel('老人身份证号').fill(idNumber)
	await staff.getByLabel('床位', { exact: true }).selectOption({ index: 1 })
	await staff.getByRole('button', { name: '办理入住' }).click()
	await expect(staff.getByRole('status')).toHaveText('已办理入住')
	await staff.goto('/institution')
	const institution = ((await staff.getByRole('heading', { level: 1 }).textContent()) ?? '').replace(/：床位概况$/, '')

	// The family files the complaint about the stay.
	await page.goto('/complaints')
	await expect(page.getByRole('heading', { name: '投诉', level: 1 })).toBeVisible()
	// The family has used other providers too (other tests book for it): name the institution.
	await page.getByLabel('服务机构').selectOption({ label: institution })
	await page.getByLabel('投诉对象').selectOption('stay')
	await page.getByLabel('类别').selectOption('food')
	await page.getByLabel('投诉内容').fill(text)
	await page.getByRole('button', { name: '提交投诉' }).click()
	await expect(page.getByRole('status')).toHaveText('已保存。')
	const mine = page.getByTestId('complaints-all').locator('li', { hasText: mark })
	await expect(mine).toContainText('待回复')
	await expectAccessible(page)

	// The institution answers on its phone.
	await staff.goto('/complaints')
	const toAnswer = staff.getByTestId('complaints-all').locator('li', { hasText: mark })
	await toAnswer.getByLabel('机构回复').fill('已调整送餐时间，改用保温餐车。')
	await toAnswer.getByRole('button', { name: '回复' }).click()
	await expect(staff.getByRole('status')).toHaveText('已保存。')
	await expect(staff.getByTestId('complaints-all').locator('li', { hasText: mark })).toContainText('已回复')

	// The district officer closes it with a finding.
	const officerContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 780 } })
	const officer = await officerContext.newPage()
	await login(officer, '13800000031')
	await officer.goto('/complaints')
	const toClose = officer.getByTestId('complaints-all').locator('li', { hasText: mark })
	await expect(toClose).toContainText('已调整送餐时间')
	await toClose.getByLabel('处理结论').selectOption('partly_upheld')
	await toClose.getByLabel('结论说明').fill('已现场核实，餐车已更换，继续跟踪一个月。')
	await toClose.getByRole('button', { name: '办结' }).click()
	await expect(officer.getByRole('status')).toHaveText('已保存。')
	await expectAccessible(officer)

	// The family reads the outcome; nothing is wider than the phone.
	await page.reload()
	const closed = page.getByTestId('complaints-all').locator('li', { hasText: mark })
	await expect(closed).toContainText('已办结')
	await expect(closed).toContainText('部分成立')
	await expect(closed).toContainText('已调整送餐时间')
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
})
