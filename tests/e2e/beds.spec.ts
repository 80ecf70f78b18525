import type { Page } from '@playwright/test'
import { expect, expectAccessible, login, test, unregisteredIdNumber } from './fixtures.ts'


async function cityFigures(page: Page) {
	await page.goto('/bureau/beds')
	return {
		beds: await page.getByTestId('city-beds').innerText(),
		per1000: await page.getByTestId('city-per1000').innerText(),
		occupancy: await page.getByTestId('city-occupancy').innerText(),
	}
}

test('institution staff add beds, admit and discharge an elder; the bureau dashboard follows', async ({ page, browser }) => {
	// A journey of three roles over a dozen pages with six accessibility scans, like the other journeys.
	test.setTimeout(180_000)
	const idNumber = await unregisteredIdNumber('1938-09-21')
	const room = `E${String(Date.now()).slice(-5)}`

	// A family registers the elder (staff find elders by identity number, never from a list).
	await login(page, '13800000001')
	await page.goto('/elders/new')
	await page.getByLabel('身份证号').fill(idNumber)
	await page.getByLabel('老人姓名').fill('韩德福')
	await page.getByLabel('与老人的关系').selectOption('child')
	await page.getByLabel('区县').selectOption('dongbao')
	await page.getByLabel('社区/村').selectOption({ index: 1 })
	await page.getByLabel('老人本人').check()
	await page.getByRole('button', { name: '保存' }).click()
	await expect(page.getByRole('heading', { name: '韩德福' })).toBeVisible()

	const bureauContext = await browser.newContext({ locale: 'zh-CN' })
	const officer = await bureauContext.newPage()
	await login(officer, '13800000041')
	await officer.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '床位指标' }).click()
	await expect(officer.getByRole('heading', { name: '养老床位与规划指标' })).toBeVisible()
	await expectAccessible(officer)
	const before = await cityFigures(officer)

	const staffContext = await browser.newContext({ locale: 'zh-CN' })
	const staff = await staffContext.newPage()
	await login(staff, '13800000012')
	await staff.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '床位管理' }).click()
	await staff.getByRole('link', { name: '房间与床位' }).click()
	await staff.getByLabel('房间名称').fill(room)
	await staff.getByLabel('楼层').fill('2')
	await staff.getByRole('button', { name: '保存房间' }).click()
	await expect(staff.getByRole('heading', { name: new RegExp(room) })).toBeVisible()
	await staff.getByLabel('房间', { exact: true }).selectOption({ label: room })
	await staff.getByLabel('床位类型').selectOption('nursing')
	await staff.getByLabel('新增床位数量').fill('50')
	await staff.getByLabel('月收费（元）').fill('3800')
	await staff.getByRole('button', { name: '保存床位' }).click()
	await expect(staff.locator(`tr[data-bed="${room}-50"]`)).toBeVisible()
	await expectAccessible(staff)

	// A bad count is refused with a clear message.
	await staff.getByLabel('房间', { exact: true }).selectOption({ label: room })
	await staff.getByLabel('床位类型').selectOption('nursing')
	await staff.getByLabel('新增床位数量').fill('-3')
	await staff.getByLabel('月收费（元）').fill('3800')
	await staff.getByRole('button', { name: '保存床位' }).click()
	await expect(staff.getByText('床位数量应为 1 到 50 之间的整数')).toBeVisible()

	await staff.goto('/institution/admissions')
	await staff.getByLabel('老人身份证号').fill(idNumber)
	await staff.getByLabel('床位', { exact: true }).selectOption({ label: `${room}-1 · 护理型床位` })
	await staff.getByRole('button', { name: '办理入住' }).click()
	await expect(staff.getByRole('status')).toHaveText('已办理入住')
	await expect(staff.locator('li[data-resident="韩德福"]')).toContainText(`${room}-1`)
	await expect(staff.locator('li[data-resident="韩德福"]')).not.toContainText(idNumber)
	await expectAccessible(staff)

	// Admitting the same elder again is refused.
	await staff.getByLabel('老人身份证号').fill(idNumber)
	await staff.getByLabel('床位', { exact: true }).selectOption({ label: `${room}-2 · 护理型床位` })
	await staff.getByRole('button', { name: '办理入住' }).click()
	await expect(staff.getByText('这位老人已入住某张床位')).toBeVisible()

	const admitted = await cityFigures(officer)
	expect(Number(admitted.beds.replace(/,/g, ''))).toBe(Number(before.beds.replace(/,/g, '')) + 50)
	expect(admitted.per1000).not.toBe(before.per1000)
	expect(admitted.occupancy).not.toBe(before.occupancy)

	await staff.goto('/institution/admissions')
	const card = staff.locator('li[data-resident="韩德福"]')
	await card.getByText('为 韩德福 办理退住').click()
	await card.getByLabel('退住原因').selectOption('discharged')
	await card.getByRole('button', { name: '确认 韩德福 退住' }).click()
	await expect(staff.getByRole('status')).toHaveText('已办理退住')
	await expect(staff.locator('li[data-resident="韩德福"]')).toHaveCount(0)

	// The bed's history shows every change.
	await staff.goto('/institution/beds')
	await staff.getByRole('link', { name: `修改床位 ${room}-1`, exact: true }).click()
	await expect(staff.getByRole('heading', { name: `床位 ${room}-1 的变更记录` })).toBeVisible()
	await expect(staff.locator('tr[data-kind="admitted"]')).toContainText('韩德福')
	await expect(staff.locator('tr[data-kind="discharged"]')).toContainText('韩德福')
	await expectAccessible(staff)

	const discharged = await cityFigures(officer)
	expect(discharged.beds).toBe(admitted.beds)
	expect(Number(discharged.occupancy.replace('%', ''))).toBeLessThan(Number(admitted.occupancy.replace('%', '')))

	// The 2015 view and the plan's table.
	await officer.getByLabel('人口统计年份').selectOption('2015')
	await officer.getByRole('button', { name: '查看' }).click()
	await expect(officer).toHaveURL(/year=2015/)
	await officer.goto('/bureau/plan')
	await expect(officer.getByTestId('plan-actual-1')).toHaveText(/\d+\.\d/)
	await expectAccessible(officer)
	await bureauContext.close()
	await staffContext.close()
})
