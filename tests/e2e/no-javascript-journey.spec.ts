// Issue 11 item 1 in the browser: with JavaScript disabled in the person's browser, a district officer
// approves a provider's application and a family books a service (sign-in included). Every form is
// plain HTML: no page waits for scripts that never load.
import { expect, login, publishOffering, test } from './fixtures.ts'

// A phone-sized screen, as the issue asks.
const ZH = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 780 } } as const

test('an officer decides and a family books with JavaScript disabled', async ({ browser }) => {
	test.setTimeout(180_000)
	const stamp = String(Date.now()).slice(-6)
	const company = `东宝无脚本养老服务有限公司${stamp.slice(-4)}`

	// A home-care company applies (with scripts, as any browser).
	const providerContext = await browser.newContext(ZH)
	const provider = await providerContext.newPage()
	await provider.goto('/providers/apply')
	await provider.getByLabel('您的姓名').fill('吴静')
	await provider.getByLabel('手机号').fill(`137${stamp}88`.slice(0, 11))
	await provider.getByLabel('密码', { exact: true }).fill('Wu2026abcd')
	await provider.getByLabel('机构名称').fill(company)
	await provider.getByLabel('机构类型').selectOption('home_care')
	await provider.getByLabel('许可证/登记证号').fill(`MZ-420802-NJ${stamp}`)
	await provider.getByLabel('所在区县').selectOption('dongbao')
	await provider.getByRole('checkbox', { name: '东宝区' }).check()
	await provider.getByLabel('地址').fill('荆门市东宝区龙泉社区长宁大道66号')
	await provider.getByRole('button', { name: '提交申请' }).click()
	await expect(provider.getByTestId('provider-status')).toContainText('待审核')

	// The district officer approves it without JavaScript.
	const officerContext = await browser.newContext({ ...ZH, javaScriptEnabled: false })
	const officer = await officerContext.newPage()
	await login(officer, '13800000031')
	await officer.goto('/bureau/providers')
	const card = officer.getByTestId('provider-card').filter({ hasText: company })
	await card.getByRole('button', { name: '审核通过' }).click()
	await expect(officer.getByRole('status')).toContainText('已审核通过')
	await officerContext.close()

	await providerContext.close()

	// The demo provider publishes an offering (with scripts).
	const title = `无脚本助浴${stamp}`
	await publishOffering(browser, title)

	// The family books it without JavaScript: search, choose the elder, a slot and the address.
	const familyContext = await browser.newContext({ ...ZH, javaScriptEnabled: false })
	const family = await familyContext.newPage()
	await login(family, '13800000001')
	await family.goto('/services')
	await family.getByLabel('关键词').fill(title)
	await family.getByRole('button', { name: '搜索' }).click()
	await family.getByTestId('results').getByRole('listitem').filter({ hasText: title }).getByRole('link', { name: '预约' }).click()
	await family.getByLabel('为哪位老人预约').selectOption({ label: '张德明' })
	await family.getByRole('button', { name: '查看价格和时间' }).click()
	await family.locator('input[name="startsAt"]').last().check()
	await family.getByLabel('服务地址').fill('东宝区龙泉社区3栋2单元501')
	await family.getByRole('button', { name: '确认预约' }).click()
	await expect(family).toHaveURL(/\/bookings\/[0-9a-f-]{36}/)
	await expect(family.getByRole('heading', { level: 1 })).toContainText(title)
	await familyContext.close()
})
