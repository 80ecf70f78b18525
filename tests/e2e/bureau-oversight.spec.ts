import { devices, type Browser, type Page } from '@playwright/test'
import { chooseSlotSoonAfter, expect, expectAccessible, login, stripeReportsPayment, test, paymentIntentOf } from './fixtures.ts'

const ZH = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const
const nav = (p: Page) => p.getByRole('navigation', { name: '主菜单' })

async function signedIn(browser: Browser, phone: string) {
	const context = await browser.newContext(ZH)
	const page = await context.newPage()
	await login(page, phone)
	return { context, page }
}

test('a district officer resolves a family’s dispute over a delivered, paid visit in favour of the family', async ({ page, browser, request }) => {
	test.setTimeout(180_000)
	const stamp = String(Date.now()).slice(-6)
	const title = `上门陪护${stamp}`

	// The demo home-care provider publishes a service bookable around the clock.
	const { context: providerContext, page: provider } = await signedIn(browser, '13800000011')
	await provider.goto('/provider/offerings/new')
	await provider.getByLabel('服务类别').selectOption('bathing')
	await provider.getByLabel('服务名称').fill(title)
	await provider.getByLabel('价格（元）').fill('80')
	await provider.getByLabel('服务时长（分钟）').fill('15')
	await provider.getByRole('button', { name: '保存' }).click()
	await expect(provider.getByRole('heading', { name: title })).toBeVisible()
	for (const day of ['周一', '周二', '周三', '周四', '周五', '周六', '周日']) await provider.getByRole('checkbox', { name: day }).check()
	await provider.getByLabel('开始时间').fill('00:00')
	await provider.getByLabel('结束时间').fill('23:59')
	await provider.getByLabel('同一时段可接待人数').fill('3')
	await provider.getByRole('button', { name: '添加服务时间' }).click()
	await expect(provider.getByRole('status')).toContainText('已添加服务时间')

	// The family books the next slot and pays ¥80.00 (Stripe's webhook reports the payment).
	await login(page, '13800000001')
	await nav(page).getByRole('link', { name: '找服务' }).click()
	await page.getByLabel('关键词').fill(title)
	await page.getByRole('button', { name: '搜索' }).click()
	await page.getByTestId('results').getByRole('listitem').filter({ hasText: title }).getByRole('link', { name: '预约' }).click()
	await page.getByLabel('为哪位老人预约').selectOption({ label: '张德明' })
	await page.getByRole('button', { name: '查看价格和时间' }).click()
	await chooseSlotSoonAfter(page)
	await page.getByLabel('服务地址').fill('东宝区龙泉社区3栋2单元501')
	await page.getByRole('button', { name: '确认预约' }).click()
	await page.getByRole('button', { name: '支付 ¥80.00' }).click()
	await expect(page.getByTestId('payment-status')).toHaveText('支付处理中')
	const paymentIntentId = await paymentIntentOf(page.url())
	const bookingUrl = page.url()
	await stripeReportsPayment(request, { eventId: `evt_dispute_${stamp}`, paymentIntentId, amountFen: 8000 })
	await page.reload()
	await expect(page.getByTestId('payment-status')).toHaveText('已支付')

	// The provider confirms; the caregiver checks in and out with the home code.
	await provider.goto(bookingUrl)
	const confirm = provider.getByRole('button', { name: '确认预约' })
	if (await confirm.isVisible()) {
		await confirm.click()
		await expect(provider.getByRole('status')).toContainText('预约已确认')
	}
	await page.reload()
	const code = (await page.getByTestId('visit-code').textContent())!.trim()
	const phoneContext = await browser.newContext({ ...devices['Pixel 7'], ...ZH, storageState: await providerContext.storageState() })
	const caregiver = await phoneContext.newPage()
	await caregiver.goto(bookingUrl.replace('/bookings/', '/visits/'))
	await caregiver.getByLabel('老人家中的核验码（6 位数字）').fill(code)
	await caregiver.getByRole('button', { name: '到达签到 · 使用核验码' }).click()
	await expect(caregiver.getByTestId('visit-result')).toContainText('已签到')
	await expect(caregiver.getByRole('button', { name: '完成签退 · 使用核验码' })).toBeVisible()
	await caregiver.waitForLoadState('networkidle')
	const codeBox = caregiver.getByLabel('老人家中的核验码（6 位数字）')
	await codeBox.fill(code)
	await expect(codeBox).toHaveValue(code)
	await caregiver.getByRole('button', { name: '完成签退 · 使用核验码' }).click()
	await expect(caregiver.getByTestId('visit-result')).toContainText('已签退')
	await phoneContext.close()

	// The family says the caregiver left after a few minutes.
	await page.reload()
	await expect(page.getByRole('heading', { level: 1 })).toContainText('已完成')
	await page.getByLabel('有什么问题？').fill('护理员只待了几分钟就走了')
	await page.getByRole('button', { name: '提出异议' }).click()
	await expect(page.getByRole('status')).toContainText('已提交异议')

	// The district officer reads the claim on the dispute page and decides for the family.
	const { context: officerContext, page: officer } = await signedIn(browser, '13800000031')
	await nav(officer).getByRole('link', { name: '争议处理' }).click()
	await expect(officer.getByRole('heading', { name: '争议处理', level: 1 })).toBeVisible()
	const dispute = officer.getByRole('listitem').filter({ hasText: title })
	await expect(dispute).toContainText('护理员只待了几分钟就走了')
	await expect(dispute).toContainText('张德明')
	await expectAccessible(officer)
	// A decision without a reason is not sent (the browser asks for it) and nothing changes.
	await dispute.getByRole('button', { name: '支持家属（取消并退款）' }).click()
	await expect(officer.getByRole('status')).toHaveCount(0)
	await dispute.getByLabel('裁定理由（必填）').fill('电话回访老人，确认服务时长严重不足')
	await dispute.getByRole('button', { name: '支持家属（取消并退款）' }).click()
	await expect(officer.getByRole('status')).toContainText('已裁定支持家属：预约已取消，自付部分已退还')
	await expect(officer.getByRole('listitem').filter({ hasText: title })).toHaveCount(0)
	await expectAccessible(officer)
	await officerContext.close()

	// The family sees the booking cancelled with the officer's reason and the co-pay refunded, and is told.
	await page.reload()
	await expect(page.getByRole('heading', { level: 1 })).toContainText('已取消')
	await expect(page.getByText('电话回访老人，确认服务时长严重不足').first()).toBeVisible()
	await expect(page.getByTestId('payment-status')).toHaveText(/已退款|部分退款/)
	await expectAccessible(page)
	await nav(page).getByRole('link', { name: '消息' }).click()
	await expect(page.getByText(`「${title}」的争议已裁定支持家属`)).toBeVisible()
	await providerContext.close()
})

test('a provider limits an offering to one community; the district officer suspends it (it vanishes for families) and reinstates it', async ({ page, browser, consoleErrors }) => {
	test.setTimeout(180_000)
	const stamp = String(Date.now()).slice(-8)
	const providerName = `东宝康乐居家养老服务中心${stamp.slice(-4)}`
	const title = `龙泉社区助洁${stamp.slice(-4)}`

	// A home-care company applies; 东宝区's officer approves it.
	const providerContext = await browser.newContext(ZH)
	const provider = await providerContext.newPage()
	await provider.goto('/providers/apply')
	await provider.getByLabel('您的姓名').fill('吴芳')
	await provider.getByLabel('手机号').fill(`137${stamp}`)
	await provider.getByLabel('密码', { exact: true }).fill('Wu2026abcd')
	await provider.getByLabel('机构名称').fill(providerName)
	await provider.getByLabel('机构类型').selectOption('home_care')
	await provider.getByLabel('许可证/登记证号').fill(`MZ-420802-K${stamp}`)
	await provider.getByLabel('所在区县').selectOption('dongbao')
	await provider.getByRole('checkbox', { name: '东宝区' }).check()
	await provider.getByRole('button', { name: '提交申请' }).click()
	await expect(provider.getByTestId('provider-status')).toContainText('待审核')
	const { context: officerContext, page: officer } = await signedIn(browser, '13800000031')
	await nav(officer).getByRole('link', { name: '服务商审核' }).click()
	await officer.getByTestId('provider-card').filter({ hasText: providerName }).getByRole('button', { name: '审核通过' }).click()
	await expect(officer.getByRole('status')).toContainText('已审核通过')

	// The offering covers only 龙泉社区: the community choice follows the districts ticked.
	await provider.goto('/provider/offerings/new')
	await provider.waitForLoadState('networkidle')
	await provider.getByLabel('服务类别').selectOption('cleaning')
	await provider.getByLabel('服务名称').fill(title)
	await provider.getByLabel('价格（元）').fill('45')
	const group = provider.getByRole('group', { name: '东宝区的社区/村' })
	await expect(group).toBeVisible()
	await provider.getByRole('group', { name: '服务区域' }).getByRole('checkbox', { name: '东宝区' }).uncheck()
	await expect(group).toBeHidden()
	await provider.getByRole('group', { name: '服务区域' }).getByRole('checkbox', { name: '东宝区' }).check()
	await group.getByRole('checkbox', { name: '龙泉社区' }).check()
	await expectAccessible(provider)
	await provider.getByRole('button', { name: '保存' }).click()
	await expect(provider.getByRole('heading', { name: title })).toBeVisible()
	await expect(provider.getByRole('group', { name: '东宝区的社区/村' }).getByRole('checkbox', { name: '龙泉社区' })).toBeChecked()
	await provider.goto('/provider')
	await expect(provider.getByRole('listitem').filter({ hasText: title })).toContainText('仅限：龙泉社区')

	// Families see the limit where the service is listed.
	await login(page, '13800000001')
	const search = async () => {
		await page.goto('/services')
		await page.getByLabel('关键词').fill(title)
		await page.getByRole('button', { name: '搜索' }).click()
		return page.getByTestId('results').getByRole('listitem').filter({ hasText: title })
	}
	const hit = await search()
	await expect(hit).toContainText('仅限：龙泉社区')
	await expectAccessible(page)
	await hit.getByRole('link', { name: providerName }).click()
	await expect(page.getByRole('heading', { name: providerName })).toBeVisible()
	const providerUrl = page.url()
	await expect(page.getByText('仅限：龙泉社区')).toBeVisible()

	// The officer suspends it with a reason; the page says bookings already made are left alone.
	await officer.goto('/bureau/providers?status=approved')
	const card = officer.getByTestId('provider-card').filter({ hasText: providerName })
	await expect(card.getByTestId('open-bookings')).toContainText('未完成的预约：0 个')
	await expect(card).toContainText('已有的预约保持不变')
	await card.getByLabel('暂停原因（必填）').fill('消防安全检查不合格，限期整改')
	await expectAccessible(officer)
	await card.getByRole('button', { name: '暂停服务' }).click()
	await expect(officer.getByRole('status')).toContainText('已暂停该服务商')
	await officer.getByRole('link', { name: '已暂停' }).click()
	const suspended = officer.getByTestId('provider-card').filter({ hasText: providerName })
	await expect(suspended).toContainText('消防安全检查不合格，限期整改')
	await expectAccessible(officer)

	// Families no longer find it; its page says it is suspended.
	await expect(await search()).toHaveCount(0)
	const gone = await page.goto(providerUrl)
	expect(gone?.status()).toBe(404)
	await expect(page.getByRole('heading', { name: '该服务机构暂停服务' })).toBeVisible()
	await expect(page.getByRole('link', { name: '找其他服务' })).toBeVisible()
	await expectAccessible(page)
	// Chromium logs every 404 document as a console error; this one is the expected answer.
	const expected404 = consoleErrors.findIndex((e) => e.includes('status of 404'))
	expect(expected404).toBeGreaterThanOrEqual(0)
	consoleErrors.splice(expected404, 1)

	// The provider's staff see why, and were told.
	await provider.reload()
	await expect(provider.getByTestId('provider-status')).toContainText('已暂停')
	await expect(provider.getByTestId('provider-status')).toContainText('消防安全检查不合格')
	await expect(provider.getByTestId('suspended-hint')).toBeVisible()
	await nav(provider).getByRole('link', { name: '消息' }).click()
	await expect(provider.getByText('民政局已暂停本机构的服务')).toBeVisible()

	// Reinstated: back for families.
	await suspended.getByLabel('恢复说明（可选）').fill('整改已完成，复查合格')
	await suspended.getByRole('button', { name: '恢复服务' }).click()
	await expect(officer.getByRole('status')).toContainText('已恢复该服务商的服务')
	await expect(await search()).toContainText('仅限：龙泉社区')
	await officerContext.close()
	await providerContext.close()
})
