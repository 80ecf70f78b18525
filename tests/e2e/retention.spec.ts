import { expect, expectAccessible, login, test } from './fixtures.ts'

// PIPL art. 47: a city officer proposes how long deceased elders' identity numbers are kept; a second
// city officer decides. Here the second one rejects it, so the period in force stays as the demo has
// it (kept) for every other browser test (the sweep's effect: tests/integration/identity-retention.test.ts).
test('a city officer proposes a retention period for deceased elders’ numbers; another decides it', async ({ page, browser }) => {
	test.setTimeout(120_000)
	await login(page, '13800000041')
	await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '信息保存期限' }).click()
	await expect(page.getByRole('heading', { name: '个人信息保存期限', level: 1 })).toBeVisible()
	await expect(page.getByTestId('period-in-force')).toHaveText('不删除（一直保存）')
	await expectAccessible(page)
	await page.getByLabel('保存期限').selectOption('10')
	await page.getByRole('button', { name: '提交审核' }).click()
	await expect(page.getByText('变更已提交，待另一位干部审核通过后生效')).toBeVisible()
	const mine = page.getByTestId('pending-settings').getByRole('row').filter({ hasText: '去世满 10 年后删除' }).last()
	await expect(mine).toContainText('等待另一位干部审核')
	await expectAccessible(page)

	const otherContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const other = await otherContext.newPage()
	await login(other, '13800000042')
	await other.goto('/bureau/retention')
	const pending = other.getByTestId('pending-settings').getByRole('row').filter({ hasText: '去世满 10 年后删除' }).last()
	await pending.getByRole('button', { name: '驳回' }).click()
	await expect(other.getByText('已记录审核结果')).toBeVisible()
	await expect(other.getByTestId('period-in-force')).toHaveText('不删除（一直保存）')
	await otherContext.close()
})
