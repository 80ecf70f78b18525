import { expect, expectAccessible, login, test, unregisteredIdNumber } from './fixtures.ts'

// Issue 10 item 3: a community officer uploads a registry file, reads the dry run, applies it, and
// watches the progress bar fill (the queue's worker runs beside the server, scripts/e2e-server.ts).

test('an officer imports a registry file: dry run, then apply with a progress bar', async ({ page }) => {
	await login(page, '13800000021')
	await page.goto('/registry/import')
	await expect(page.getByRole('heading', { name: '从户籍/民政系统导入老年人', level: 1 })).toBeVisible()
	await expect(page.getByTestId('import-columns')).toContainText('身份证号')
	await expectAccessible(page)
	await page.locator('summary', { hasText: '本辖区的乡镇和社区代码' }).click()
	const row = page.getByRole('row').filter({ hasText: '龙泉社区' }).first()
	const community = (await row.getByTestId('community-code').innerText()).trim()
	const township = (await row.getByTestId('township-code').innerText()).trim()

	const name = `导入${String(Date.now()).slice(-4)}`
	const csv = [
		'身份证号,姓名,乡镇代码,社区代码,联系电话,紧急联系人,紧急联系人电话,变动类型,变动日期',
		`${await unregisteredIdNumber('1938-03-04')},${name},${township},${community},13912340001,,,,`,
		`${await unregisteredIdNumber('1940-01-01')},未来人,${township},${community},,,,死亡,2999-01-01`,
	].join('\n')
	await page.getByLabel('导入文件（CSV 或 XLSX）').setInputFiles({ name: 'elders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
	await page.getByRole('button', { name: '上传并试运行' }).click()

	await expect(page.getByTestId('import-status')).toHaveText('试运行完成，等待确认', { timeout: 30_000 })
	await expect(page.getByTestId('count-new')).toHaveText('1')
	await expect(page.getByTestId('count-rejected')).toHaveText('1')
	await expect(page.getByText('变动日期在未来')).toBeVisible()
	await expectAccessible(page)

	await page.getByRole('button', { name: '确认导入' }).click()
	await expect(page.getByTestId('apply-progress')).toBeVisible()
	await expect(page.getByTestId('import-status')).toHaveText('已导入', { timeout: 30_000 })
	await expect(page.getByTestId('apply-progress')).toHaveAttribute('value', '100')
	await expect(page.getByText('导入进度 100%')).toBeVisible()

	await page.goto('/elders')
	await expect(page.getByText(name).first()).toBeVisible()

	// The elder's page: one timeline, the import on it, dates in Chinese (issue 10 item 9).
	await page.getByRole('link', { name }).first().click()
	const timeline = page.getByTestId('timeline')
	await expect(timeline.locator('li[data-kind="imported"]')).toContainText('由户籍导入登记')
	await expect(timeline.locator('li[data-kind="imported"] time')).toHaveText(/^\d{4}年\d{1,2}月\d{1,2}日$/)
	await expectAccessible(page)
})
