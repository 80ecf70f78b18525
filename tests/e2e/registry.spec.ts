import { expect, expectAccessible, login, test, unregisteredIdNumber } from './fixtures.ts'

// Issue 10: an officer registers an elder who has no family at all (三无, 特困), on a phone.

test('a community officer registers an elder with no family on a phone @phone', async ({ page, consoleErrors }, testInfo) => {
	// A number nobody holds; the desktop and phone runs of this test, at once, use different birth dates.
	const idNumber = await unregisteredIdNumber(testInfo.project.name === 'phone' ? '1936-05-21' : '1936-05-20')
	// Names hold no digits: a made-up one from the clock, in Chinese characters.
	const name = `孤老${[...String(Date.now()).slice(-3)].map((d) => '甲乙丙丁戊己庚辛壬癸'[Number(d)]).join('')}`
	await login(page, '13800000021')
	await page.goto('/elders')
	await page.getByRole('link', { name: '登记老人' }).click()
	await expect(page.getByRole('heading', { name: '登记老人', level: 1 })).toBeVisible()
	await expectAccessible(page)

	// A wrong check digit is named under its field, and nothing is registered.
	const wrong = idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1')
	await page.getByLabel('身份证号').fill(wrong)
	await page.getByLabel('老人姓名').fill(name)
	await page.getByLabel('社区/村').selectOption({ label: '龙泉社区 (社区)' })
	await page.getByLabel('紧急联系人姓名').fill('王社工')
	await page.getByRole('button', { name: '登记', exact: true }).click()
	// Every problem is named at once: the check digit, and an emergency contact's name without a phone.
	await expect(page.getByText('身份证号最后一位校验码不正确，请核对')).toBeVisible()
	await expect(page.getByText('请填写紧急联系人电话')).toBeVisible()
	await expectAccessible(page)

	await page.getByLabel('身份证号').fill(idNumber)
	await page.getByLabel('紧急联系人电话').fill('0724-2345678')
	await page.getByLabel('老人电话').fill('13912340000')
	await page.getByRole('button', { name: '登记', exact: true }).click()
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible()
	await expect(page.getByTestId('residence-status')).toHaveText('已核实')
	await expect(page.getByText('没有关联的家属').first()).toBeVisible()
	await expect(page.getByTestId('masked-id')).not.toContainText(idNumber.slice(6, 14))
	await expectAccessible(page)

	// With no family to file online, the elder asks at the office for a copy of the record (PIPL art. 45):
	// the officer records it, the document checked must fit who asks, and the receipt gives the due date.
	await page.getByRole('link', { name: '登记老人或其监护人当面提出的信息申请' }).click()
	await expect(page.getByRole('heading', { name: '记录当面提出的申请', level: 1 })).toBeVisible()
	await expect(page.getByLabel('申请人姓名')).toHaveValue(name)
	await expect(page.getByLabel('接收答复短信的手机号（可不填）')).toHaveValue('13912340000')
	await page.getByLabel('已核对的证件').selectOption('guardianship')
	await page.getByLabel('申请事项').selectOption('copy')
	await page.getByRole('button', { name: '登记申请' }).click()
	await expect(page.getByText('老人本人申请，请核对身份证或户口簿。')).toBeVisible()
	await expectAccessible(page)
	// The refusal came as the server's 400 (the form is validated there alone), which the browser logs.
	expect(consoleErrors.filter((e) => e.includes('status of 400'))).toHaveLength(1)
	consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes('status of 400')))
	await page.getByLabel('已核对的证件').selectOption('resident_id')
	await page.getByRole('button', { name: '登记申请' }).click()
	await expect(page.getByRole('heading', { name: '个人信息申请受理回执', level: 1 })).toBeVisible()
	await expect(page.getByTestId('due-on')).not.toBeEmpty()
	await expect(page.getByTestId('paper-status')).toHaveText('办理中')
	await expectAccessible(page)
})

test('a district officer adds a community under a township, with its division code', async ({ page }) => {
	const stamp = String(Date.now()).slice(-4)
	const name = `新苑${stamp}社区`
	const code = `420802001${String(100 + (Number(stamp) % 100)).padStart(3, '0')}`
	await login(page, '13800000031')
	await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '乡镇与社区' }).click()
	await expect(page.getByRole('heading', { name: '乡镇（街道）与社区（村）', level: 1 })).toBeVisible()
	await page.getByRole('link', { name: '龙泉街道' }).click()
	const panel = page.getByTestId('township-panel')
	await expect(panel).toContainText('龙泉社区')
	await expectAccessible(page)

	// (Codes outside the township and the other refusals: tests/integration/geography.test.ts.)
	await panel.getByLabel('名称', { exact: true }).last().fill(name)
	await panel.getByLabel('类型').selectOption('urban_community')
	await panel.getByLabel('统计用区划代码').fill(code)
	await panel.getByRole('button', { name: '新建' }).click()
	await expect(page.getByRole('status')).toContainText('已保存')
	await expect(panel.getByTestId('community-row').filter({ has: page.locator('strong', { hasText: name }) })).toContainText(code)
	await expectAccessible(page)
})
