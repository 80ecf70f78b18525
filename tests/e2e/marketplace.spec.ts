import { devices } from '@playwright/test'
import Stripe from 'stripe'
import { expect, expectAccessible, login, test } from './fixtures.ts'

// The app's local webhook secret (app/lib/env.server.ts default): the test plays Stripe's part.
const WEBHOOK_SECRET = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_yiyang_local_webhook_secret'

test('the bureau approves a provider; a family searches, books and pays; the provider confirms, checks in and out; the family reviews', async ({ page, browser, request }) => {
	test.setTimeout(180_000)
	const stamp = String(Date.now()).slice(-8)
	const title = `安心上门助浴${stamp.slice(-4)}`

	// 1. A home-care company applies.
	const providerContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const provider = await providerContext.newPage()
	await provider.goto('/providers/apply')
	await expect(provider.getByRole('heading', { name: '服务商入驻申请' })).toBeVisible()
	await provider.getByLabel('您的姓名').fill('周敏')
	await provider.getByLabel('手机号').fill(`139${stamp}`)
	await provider.getByLabel('密码', { exact: true }).fill('Zhou2026ab')
	await provider.getByLabel('机构名称').fill(`东宝安心居家养老服务有限公司${stamp.slice(-4)}`)
	await provider.getByLabel('机构类型').selectOption('home_care')
	await provider.getByLabel('许可证/登记证号').fill(`MZ-420802-${stamp}`)
	await provider.getByLabel('所在区县').selectOption('dongbao')
	await provider.getByRole('checkbox', { name: '东宝区' }).check()
	await provider.getByLabel('地址').fill('荆门市东宝区龙泉社区长宁大道88号')
	await expectAccessible(provider)
	await provider.getByRole('button', { name: '提交申请' }).click()
	await expect(provider.getByTestId('provider-status')).toContainText('待审核')

	// 2. The district bureau approves it.
	const officerContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const officer = await officerContext.newPage()
	await login(officer, '13800000031')
	await officer.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '服务商审核' }).click()
	const card = officer.getByTestId('provider-card').filter({ hasText: `东宝安心居家养老服务有限公司${stamp.slice(-4)}` })
	await expectAccessible(officer)
	await card.getByRole('button', { name: '审核通过' }).click()
	await expect(officer.getByRole('status')).toContainText('已审核通过')
	await officerContext.close()

	// 3. The provider publishes an offering with a schedule.
	await provider.goto('/provider/offerings/new')
	await provider.getByLabel('服务类别').selectOption('bathing')
	await provider.getByLabel('服务名称').fill(title)
	await provider.getByLabel('简介').fill('专业护理员携带防滑设备上门助浴')
	await provider.getByLabel('价格（元）').fill('60')
	await provider.getByLabel('服务时长（分钟）').fill('15')
	await expectAccessible(provider)
	await provider.getByRole('button', { name: '保存' }).click()
	await expect(provider.getByRole('heading', { name: title })).toBeVisible()
	await provider.getByRole('checkbox', { name: '周六' }).check()
	await provider.getByRole('checkbox', { name: '周日' }).check()
	await provider.getByLabel('开始时间').fill('00:00')
	await provider.getByLabel('结束时间').fill('23:59')
	await provider.getByLabel('同一时段可接待人数').fill('3')
	await provider.getByRole('button', { name: '添加服务时间' }).click()
	await expect(provider.getByRole('status')).toContainText('已添加服务时间')

	// 4. A family searches in Chinese, books for an elder and pays.
	await login(page, '13800000001')
	await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '找服务' }).click()
	await page.getByLabel('关键词').fill(title)
	await page.getByLabel('区县').selectOption('dongbao')
	await page.getByRole('button', { name: '搜索' }).click()
	const result = page.getByTestId('results').getByRole('listitem').filter({ hasText: title })
	await expect(result).toContainText('¥60.00')
	await expect(result).toContainText('最近可约')
	await expectAccessible(page)
	await result.getByRole('link', { name: '预约' }).click()
	await page.getByLabel('为哪位老人预约').selectOption({ label: '张德明' })
	await page.getByRole('button', { name: '查看价格和时间' }).click()
	await expect(page.getByTestId('price-split')).toContainText('¥60.00')
	await page.getByLabel('服务地址').fill('东宝区龙泉社区3栋2单元501')
	await expectAccessible(page)
	await page.getByRole('button', { name: '确认预约' }).click()
	await expect(page.getByText('待确认').first()).toBeVisible()
	await page.getByRole('button', { name: '支付 ¥60.00' }).click()
	// Stripe's Payment Element opens with the intent's client secret and the publishable key.
	await expect(page.getByTestId('payment-status')).toHaveText('支付处理中')
	const paymentIntentId = (await page.getByTestId('payment-ref').textContent())!.trim()
	const cardForm = page.getByRole('region', { name: '银行卡支付 ¥60.00' })
	await expect(cardForm.getByLabel('卡号')).toBeVisible()
	const stripeSaw = await page.evaluate(() => (window as unknown as { __stripeDouble: { key: string; locale: string; clientSecret: string } }).__stripeDouble)
	expect(stripeSaw).toMatchObject({ key: 'pk_test_yiyang_e2e', locale: 'zh' })
	// stripe-mock is stateless: its client secret is a fixture's, not derived from the intent id.
	expect(stripeSaw.clientSecret).toMatch(/^pi_\w+_secret_\w+$/)
	await expectAccessible(page)
	// A declined card: Stripe's message, the form stays, nothing is paid.
	await cardForm.getByLabel('卡号').fill('4000 0000 0000 0002')
	await cardForm.getByRole('button', { name: '确认支付 ¥60.00' }).click()
	await expect(cardForm.getByRole('alert')).toHaveText('您的银行卡被拒绝了。')
	await cardForm.getByLabel('卡号').fill('4242 4242 4242 4242')
	await cardForm.getByRole('button', { name: '确认支付 ¥60.00' }).click()
	// Stripe sends the family back; the booking waits for Stripe's webhook, not for the redirect.
	await expect(page).toHaveURL(/redirect_status=succeeded/)
	await expect(page.getByRole('status')).toContainText('正在等待 Stripe 确认')
	await expect(page.getByTestId('payment-status')).toHaveText('支付处理中')
	const bookingUrl = page.url().split('?')[0]!

	// Stripe reports the payment (signed webhook), twice: it counts once; the open page sees it by itself.
	const payload = JSON.stringify({ id: `evt_e2e_${stamp}`, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: paymentIntentId, object: 'payment_intent', amount: 6000, currency: 'cny', metadata: {} } } })
	const signature = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
	for (let i = 0; i < 2; i++) {
		const res = await request.post('/resources/stripe-webhook', { data: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signature } })
		expect(res.status()).toBe(200)
	}
	await expect(page.getByTestId('payment-status')).toHaveText('已支付', { timeout: 10_000 })
	await expect(page.getByRole('button', { name: /支付/ })).toHaveCount(0)

	// 5. The provider confirms, and the caregiver checks in and out on a phone with the home code.
	await provider.goto(bookingUrl)
	await provider.getByRole('button', { name: '确认预约' }).click()
	await expect(provider.getByRole('status')).toContainText('预约已确认')
	await page.reload()
	const code = (await page.getByTestId('visit-code').textContent())!.trim()
	const phoneContext = await browser.newContext({ ...devices['Pixel 7'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: await providerContext.storageState() })
	const caregiver = await phoneContext.newPage()
	await caregiver.goto(bookingUrl.replace('/bookings/', '/visits/'))
	await expectAccessible(caregiver)
	await caregiver.getByLabel('老人家中的核验码（6 位数字）').fill(code)
	await caregiver.getByRole('button', { name: '到达签到 · 使用核验码' }).click()
	await expect(caregiver.getByTestId('visit-result')).toContainText('已签到')
	// The page has switched to the check-out form (the booking is now in service).
	await expect(caregiver.getByRole('heading', { level: 1 })).toContainText('服务中')
	await expect(caregiver.getByRole('button', { name: '完成签退 · 使用核验码' })).toBeVisible()
	await caregiver.getByLabel('老人家中的核验码（6 位数字）').fill(code)
	await caregiver.getByRole('button', { name: '完成签退 · 使用核验码' }).click()
	// Seconds instead of fifteen minutes: the visit is completed but flagged for review.
	await expect(caregiver.getByTestId('visit-result')).toContainText('已签退')
	await expect(caregiver.getByTestId('visit-result')).toContainText('服务时间过短')
	await phoneContext.close()

	// 6. The family sees every step and reviews; the rating shows on the provider's page.
	await page.reload()
	await expect(page.getByRole('heading', { level: 1 })).toContainText('已完成')
	const timeline = page.getByRole('region', { name: '进度记录' })
	for (const step of ['待确认', '已确认', '服务中', '已完成']) await expect(timeline).toContainText(step)
	await page.getByRole('radio', { name: '5 星' }).check()
	await page.getByLabel('评价内容（可选）').fill('护理员很细心，老人很满意')
	await expectAccessible(page)
	await page.getByRole('button', { name: '提交评价' }).click()
	await expect(page.getByRole('status')).toContainText('感谢您的评价')
	await page.getByRole('link', { name: `东宝安心居家养老服务有限公司${stamp.slice(-4)}` }).first().click()
	await expect(page.getByTestId('rating')).toContainText('5')
	await expect(page.getByText('护理员很细心，老人很满意')).toBeVisible()
	await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '消息' }).click()
	await expect(page.getByText('已支付 ¥60.00')).toBeVisible()
	await expectAccessible(page)
	await providerContext.close()
})
