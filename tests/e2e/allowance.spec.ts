import { readFile } from 'node:fs/promises'
import { expect, expectAccessible, login, test } from './fixtures.ts'

function shanghaiMonth() {
	return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
}

test('an officer starts the month’s run and watches it finish; a second officer approves and exports the bank file; the family sees the payment', async ({ page, browser }) => {
	const month = shanghaiMonth()
	await login(page, '13800000041')
	await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '津贴发放' }).click()
	await expect(page.getByRole('heading', { name: '高龄津贴发放' })).toBeVisible()
	await expectAccessible(page)
	await expect(page.getByLabel('发放月份')).toHaveValue(month)
	await page.getByRole('button', { name: '开始计算' }).click()

	// The run page polls until the worker has computed every chunk.
	await expect(page.getByRole('heading', { name: `${month} 高龄津贴` })).toBeVisible()
	await expect(page.getByTestId('run-status')).toHaveText('待审核', { timeout: 30_000 })
	await expect(page.getByTestId('run-progress')).toHaveText(/进度 (\d+) \/ \1 批/)
	await expect(page.getByText('本次计算由您发起，须由另一位市级干部审核。')).toBeVisible()
	await expect(page.getByTestId('by-tier')).toContainText('80–89 岁')
	await expect(page.getByTestId('diffs')).toContainText('停发')
	await expectAccessible(page)
	const runUrl = page.url()
	const count = Number(await page.getByTestId('payment-count').textContent())
	expect(count).toBeGreaterThan(10)

	// The maker cannot approve their own run (the server refuses it too: integration tests).
	await expect(page.getByRole('button', { name: '审核通过' })).toBeDisabled()

	const checkerContext = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true })
	const checker = await checkerContext.newPage()
	await login(checker, '13800000042')
	await checker.goto(runUrl)
	await checker.getByRole('button', { name: '审核通过' }).click()
	await expect(checker.getByTestId('run-status')).toHaveText('已审核，待发放')
	await expect(checker.getByTestId('approved-by')).toContainText('郑涛')
	await expectAccessible(checker)
	const [download] = await Promise.all([checker.waitForEvent('download'), checker.getByRole('button', { name: '导出银行发放文件' }).click()])
	expect(download.suggestedFilename()).toMatch(new RegExp(`^allowance-${month}-[0-9a-f]{8}\\.csv$`))
	const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split('\n')
	expect(csv[0]).toBe('序号,流水号,姓名,身份证号,一卡通账号,金额（元）,发放月份,类型,区县')
	expect(csv.length).toBeGreaterThanOrEqual(count + 1)
	expect(csv.find((l) => l.includes('李桂英'))).toMatch(/\*{4}\d{4},50\.00,/)
	await checker.reload()
	await expect(checker.getByTestId('run-status')).toHaveText('已发放')
	await checkerContext.close()

	const familyContext = await browser.newContext({ locale: 'zh-CN' })
	const family = await familyContext.newPage()
	await login(family, '13800000001')
	await family.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '高龄津贴' }).click()
	const card = family.getByTestId('elder-allowance').filter({ hasText: '李桂英' })
	await expect(card.getByTestId('payment-line').filter({ hasText: month })).toContainText('已发放')
	await expect(card.getByTestId('allowance-status')).toContainText('¥50.00')
	await expect(family.getByTestId('elder-allowance').filter({ hasText: '张永福' }).getByTestId('payment-line').first()).toContainText('¥100.00')
	await expectAccessible(family)
	await familyContext.close()
})
