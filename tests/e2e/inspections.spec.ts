import type { Page } from '@playwright/test'
import { expect, expectAccessible, login, test } from './fixtures.ts'

// Issue 14 item 7 on a 360 px phone: the district officer inspects the demo institution and records a
// finding; the institution answers with its rectification; the officer closes the finding.
test.use({ viewport: { width: 360, height: 780 } })

async function fitsThePhone(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
}

test('a finding is recorded, answered by the institution and closed by the district', async ({ page, browser }) => {
	test.setTimeout(120_000)
	const problem = `消防通道堆放杂物 ${String(Date.now()).slice(-6)}`
	const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10)

	// The institution's name, from its own page.
	await login(page, '13800000012')
	await page.goto('/institution/inspections')
	const institution = (await page.getByRole('heading', { level: 1 }).innerText()).split(' · ')[0]!
	await fitsThePhone(page)
	await expectAccessible(page)

	// The Dongbao district officer records the inspection with one finding.
	const districtContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 780 } })
	const district = await districtContext.newPage()
	await login(district, '13800000031')
	await district.goto('/bureau/inspections')
	await district.getByRole('link', { name: institution, exact: true }).click()
	await expect(district.getByRole('heading', { name: `记录对 ${institution} 的检查` })).toBeVisible()
	await district.getByRole('checkbox', { name: '消防' }).check()
	const row = district.getByTestId('finding-row').first()
	await row.getByLabel('类别').selectOption('fire')
	await row.getByLabel('严重程度').selectOption('major')
	await row.getByLabel('问题描述').fill(problem)
	await row.getByLabel('整改期限').fill(tomorrow)
	await district.getByRole('button', { name: '保存检查记录' }).click()
	await expect(district.getByText('检查记录已保存。')).toBeVisible()
	await expect(district.getByTestId('finding').filter({ hasText: problem }).getByTestId('finding-status')).toHaveText('待整改')
	await fitsThePhone(district)
	await expectAccessible(district)

	// The institution answers it.
	await page.goto('/institution/inspections')
	const mine = page.getByTestId('finding').filter({ hasText: problem })
	await mine.getByLabel('整改情况').fill('已清理通道，设专人每日巡查')
	await mine.getByRole('button', { name: '提交整改情况' }).click()
	await expect(page.getByText('整改情况已提交，待区民政局确认。')).toBeVisible()
	await expect(page.getByTestId('finding').filter({ hasText: problem }).getByTestId('finding-status')).toHaveText('已答复待确认')
	await fitsThePhone(page)

	// The district closes it.
	await district.reload()
	const answered = district.getByTestId('finding').filter({ hasText: problem })
	await answered.getByRole('button', { name: '确认销号' }).click()
	await expect(district.getByTestId('finding').filter({ hasText: problem }).getByTestId('finding-status')).toHaveText('已销号')
	await fitsThePhone(district)
	await expectAccessible(district)
	await districtContext.close()
})
