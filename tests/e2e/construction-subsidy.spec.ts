import type { Page } from '@playwright/test'
import { expect, expectAccessible, login, test } from './fixtures.ts'

// Issue 14 item 3 on a 360 px phone: an institution adds new beds, the district inspects them, the
// institution applies for the construction subsidy, the district reviews and the city approves.
test.use({ viewport: { width: 360, height: 780 } })

async function fitsThePhone(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
}

test('an institution applies for a construction subsidy through to the city approval', async ({ page, browser }) => {
	// Three roles over a dozen pages with accessibility scans, like the other journeys.
	test.setTimeout(180_000)
	const room = `J${String(Date.now()).slice(-5)}`

	// The institution adds two nursing-type beds: new beds awaiting the acceptance inspection.
	await login(page, '13800000012')
	await page.goto('/institution/beds')
	await page.getByLabel('房间名称').fill(room)
	await page.getByLabel('楼层').fill('3')
	await page.getByRole('button', { name: '保存房间' }).click()
	await expect(page.getByRole('heading', { name: new RegExp(room) })).toBeVisible()
	await page.getByLabel('房间', { exact: true }).selectOption({ label: room })
	await page.getByLabel('床位类型').selectOption('nursing')
	await page.getByLabel('新增床位数量').fill('2')
	await page.getByLabel('月收费（元）').fill('3600')
	await page.getByRole('button', { name: '保存床位' }).click()
	await expect(page.locator(`tr[data-bed="${room}-2"]`)).toBeVisible()
	await page.goto('/institution/construction')
	await expect(page.getByTestId('awaiting-beds')).toContainText(`${room}-1`)
	await expect(page.getByTestId('awaiting-beds')).toContainText(`${room}-2`)
	const institution = (await page.getByRole('heading', { level: 1 }).innerText()).split(' · ')[0]!
	await fitsThePhone(page)
	await expectAccessible(page)

	// The Dongbao district officer records the acceptance inspection of both beds.
	const districtContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 780 } })
	const district = await districtContext.newPage()
	await login(district, '13800000031')
	await district.goto('/bureau/construction')
	await district.getByRole('link', { name: institution, exact: true }).click()
	await expect(district.getByRole('heading', { name: `验收 ${institution} 的新增床位` })).toBeVisible()
	await district.getByRole('checkbox', { name: new RegExp(`^${room}-1 `) }).check()
	await district.getByRole('checkbox', { name: new RegExp(`^${room}-2 `) }).check()
	await district.getByLabel('验收意见（可选）').fill('消防设施、呼叫装置验收合格')
	await district.getByRole('button', { name: '记录验收结果' }).click()
	await expect(district.getByText('验收结果已记录。')).toBeVisible()
	await fitsThePhone(district)
	await expectAccessible(district)

	// The institution applies for its two accepted beds: 2 × ¥5,000.
	await page.goto('/institution/construction')
	for (const box of await page.getByRole('checkbox').all()) await box.uncheck()
	await page.getByRole('checkbox', { name: new RegExp(`^${room}-1 `) }).check()
	await page.getByRole('checkbox', { name: new RegExp(`^${room}-2 `) }).check()
	await page.getByRole('button', { name: '提交申请' }).click()
	await expect(page.getByRole('status')).toContainText('申请已提交')
	await expect(page.getByRole('status')).toContainText('10,000.00')
	await expect(page.getByTestId('applications')).toContainText('待区审核')
	await fitsThePhone(page)

	// The district reviews it and passes it on to the city.
	await district.goto('/bureau/construction')
	const toReview = district.getByTestId('construction-application').filter({ hasText: `${room}-1` })
	await toReview.getByLabel('审核意见').fill('材料齐全')
	await toReview.getByRole('button', { name: '审核通过，报市审批' }).click()
	await expect(district.getByText('已记录。')).toBeVisible()
	await expect(district.getByTestId('construction-application').filter({ hasText: `${room}-1` }).getByTestId('application-status')).toHaveText('待市审批')
	// The district officer cannot approve: the city does.
	await expect(district.getByText('由市民政局干部审批（不能是申请人或审核人）')).toBeVisible()

	// A city officer approves and pays; the amount shows in the paid total.
	const cityContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 780 } })
	const city = await cityContext.newPage()
	await login(city, '13800000041')
	await city.goto('/bureau/construction')
	const toApprove = city.getByTestId('construction-application').filter({ hasText: `${room}-1` })
	await expect(toApprove).toContainText('10,000.00')
	await toApprove.getByRole('button', { name: '批准并拨付' }).click()
	await expect(city.getByText('已记录。')).toBeVisible()
	await expect(city.getByTestId('construction-application').filter({ hasText: `${room}-1` }).getByTestId('application-status')).toHaveText('已批准并拨付')
	await fitsThePhone(city)
	await expectAccessible(city)

	// The institution sees it approved and paid; its beds are no longer offered for a subsidy.
	await page.goto('/institution/construction')
	await expect(page.getByTestId('applications')).toContainText('已批准并拨付')
	await expect(page.getByRole('checkbox', { name: new RegExp(`^${room}-1 `) })).toHaveCount(0)
	await districtContext.close()
	await cityContext.close()
})
