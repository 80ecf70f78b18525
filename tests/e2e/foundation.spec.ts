import type { Browser } from '@playwright/test'
import { expect, expectAccessible, login, test, unregisteredIdNumber } from './fixtures.ts'

/** The code the development SMS transport recorded for `phone`, read where the demo shows it: /admin/messages. */
async function smsCodeSentTo(browser: Browser, phone: string) {
	const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const admin = await context.newPage()
	await login(admin, '13800000051')
	let code: string | undefined
	await expect(async () => {
		await admin.goto('/admin/messages')
		const row = admin.locator('tr[data-template="auth.code"]').filter({ hasText: phone }).first()
		code = /验证码为(\d{6})/.exec((await row.textContent()) ?? '')?.[1]
		expect(code).toBeTruthy()
	}).toPass({ timeout: 20_000 })
	await context.close()
	return code!
}


test('a family registers, adds an elder, sees the masked number; the bureau sees the audit entry', async ({ page, browser }) => {
	test.setTimeout(120_000)
	const phone = `135${String(Date.now()).slice(-8)}`
	await page.goto('/')
	await expect(page.getByRole('heading', { level: 1 })).toContainText('颐养')
	await expectAccessible(page)

	await page.getByRole('link', { name: '注册' }).first().click()
	// Step 1: a code by SMS. The development transport sends nothing; an administrator's page shows it.
	const codeForm = page.locator('form').filter({ has: page.getByRole('button', { name: '获取验证码' }) })
	await codeForm.getByLabel('手机号').fill(phone)
	await codeForm.getByRole('button', { name: '获取验证码' }).click()
	await expect(page.getByRole('status')).toContainText(`验证码已发送到 ${phone}`)
	const code = await smsCodeSentTo(browser, phone)
	// Step 2: the code confirms the phone.
	const form = page.locator('form').filter({ has: page.getByRole('button', { name: '注册' }) })
	await form.getByLabel('您的姓名').fill('陈晓红')
	await expect(form.getByLabel('手机号')).toHaveValue(phone)
	await form.getByLabel('短信验证码').fill(code)
	await form.getByLabel('密码', { exact: true }).fill('Chen2026ab')
	await form.getByLabel('再次输入密码').fill('Chen2026ab')
	await form.getByLabel('我已阅读并同意').check()
	await expectAccessible(page)
	await form.getByRole('button', { name: '注册' }).click()
	await expect(page.getByRole('heading', { name: '我照顾的老人' })).toBeVisible()

	await page.getByRole('link', { name: '添加老人' }).click()
	const idNumber = await unregisteredIdNumber('1942-06-18')
	// A wrong check character is caught with a message that says so.
	await page.getByLabel('身份证号').fill(idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1'))
	await page.getByLabel('老人姓名').fill('陈德胜')
	await page.getByLabel('与老人的关系').selectOption('child')
	await page.getByLabel('区县').selectOption('dongbao')
	await page.getByLabel('社区/村').selectOption({ index: 1 })
	await page.getByLabel('老人本人').check()
	await page.getByRole('button', { name: '保存' }).click()
	await expect(page.getByText('身份证号最后一位校验码不正确')).toBeVisible()
	await expect(page.getByLabel('身份证号')).toHaveAttribute('aria-invalid', 'true')
	await page.getByLabel('身份证号').fill(idNumber)
	await expectAccessible(page)
	await page.getByRole('button', { name: '保存' }).click()

	await expect(page.getByRole('heading', { name: '陈德胜' })).toBeVisible()
	const masked = `4208************${idNumber.slice(16)}`
	await expect(page.getByTestId('masked-id')).toHaveText(masked)
	await expect(page.locator('body')).not.toContainText(idNumber)
	await page.getByRole('button', { name: '查看完整号码' }).click()
	await expect(page.getByTestId('full-id')).toHaveText(idNumber)

	const officerContext = await browser.newContext({ locale: 'zh-CN' })
	const officer = await officerContext.newPage()
	await login(officer, '13800000031')
	await officer.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '审计日志' }).click()
	await expect(officer.getByRole('heading', { name: '审计日志' })).toBeVisible()
	// Other browser tests write to the same district's log meanwhile: this family's rows, not the newest.
	await expect(officer.locator('tr[data-action="pii.reveal_id_number"]').filter({ hasText: '陈晓红' }).first()).toBeVisible()
	await expect(officer.locator('tr[data-action="elder.register"]').filter({ hasText: '陈晓红' }).first()).toBeVisible()
	await expectAccessible(officer)
	await officerContext.close()
})

test('switches to English and to larger text @phone', async ({ page }) => {
	await page.goto('/')
	await page.getByRole('button', { name: 'English' }).click()
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Yiyang')
	await expect(page.locator('html')).toHaveAttribute('lang', 'en')
	const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))
	await page.getByRole('button', { name: 'Larger text' }).click()
	await expect(page.locator('html')).toHaveAttribute('data-text-size', 'large')
	const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))
	expect(after).toBeGreaterThan(before)
	const box = await page.getByRole('link', { name: 'Register' }).first().boundingBox()
	expect(box!.height).toBeGreaterThanOrEqual(48)
	await expectAccessible(page)
})

test('a family reads the privacy notice, consents, downloads its data and closes its account @phone', async ({ page, browser, consoleErrors }) => {
	test.setTimeout(120_000)
	const phone = `136${String(Date.now()).slice(-8)}`
	await page.goto('/register')
	await page.getByRole('contentinfo').getByRole('link', { name: '个人信息保护说明' }).click()
	await expect(page.getByRole('heading', { name: '个人信息保护说明', level: 1 })).toBeVisible()
	await expect(page.getByRole('heading', { name: '老人的敏感个人信息' })).toBeVisible()
	await expectAccessible(page)

	await page.goto('/register')
	const codeForm = page.locator('form').filter({ has: page.getByRole('button', { name: '获取验证码' }) })
	await codeForm.getByLabel('手机号').fill(phone)
	await codeForm.getByRole('button', { name: '获取验证码' }).click()
	await expect(page.getByRole('status')).toContainText(`验证码已发送到 ${phone}`)
	const code = await smsCodeSentTo(browser, phone)
	const form = page.locator('form').filter({ has: page.getByRole('button', { name: '注册' }) })
	await form.getByLabel('您的姓名').fill('罗佳')
	await form.getByLabel('短信验证码').fill(code)
	await form.getByLabel('密码', { exact: true }).fill('Luo2026abc')
	await form.getByLabel('再次输入密码').fill('Luo2026abc')
	// Not ticked: the consent is asked for, and nothing is registered.
	await form.getByRole('button', { name: '注册' }).click()
	await expect(page.getByText('请先阅读并勾选同意《个人信息保护说明》。')).toBeVisible()
	await form.getByLabel('我已阅读并同意').check()
	await form.getByRole('button', { name: '注册' }).click()
	await expect(page.getByRole('heading', { name: '我照顾的老人' })).toBeVisible()

	await page.getByRole('contentinfo').getByRole('link', { name: '我的个人信息' }).click()
	await expect(page.getByRole('heading', { name: '我的个人信息', level: 1 })).toBeVisible()
	await expect(page.getByRole('cell', { name: '《个人信息保护说明》' })).toBeVisible()
	await expectAccessible(page)

	const download = page.waitForEvent('download')
	await page.getByRole('link', { name: '下载我的数据' }).click()
	const file = await (await download).createReadStream()
	const chunks: Buffer[] = []
	for await (const chunk of file) chunks.push(chunk as Buffer)
	const copy = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { account: { phone: string; name: string }; consents: { kind: string }[] }
	expect(copy.account).toMatchObject({ phone, name: '罗佳' })
	expect(copy.consents.map((c) => c.kind)).toEqual(['privacy_notice'])

	await page.getByLabel('我确认注销账号').check()
	await page.getByRole('button', { name: '注销账号' }).click()
	await expect(page.getByRole('status')).toContainText('账号已注销')
	await expect(page).toHaveURL(/\/login\?closed=1$/)
	// The old password opens nothing.
	await page.getByLabel('手机号').fill(phone)
	await page.getByLabel('密码').fill('Luo2026abc')
	await page.getByRole('button', { name: '登录' }).click()
	await expect(page.getByRole('alert')).toContainText('手机号或密码')
	// That refusal is the one error the console may show.
	expect(consoleErrors.filter((e) => e.includes('status of 401'))).toHaveLength(1)
	consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes('status of 401')))
})
