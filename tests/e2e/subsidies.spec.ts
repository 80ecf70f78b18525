import { devices } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import Stripe from 'stripe'
import { expect, expectAccessible, login, test } from './fixtures.ts'

const WEBHOOK_SECRET = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_yiyang_local_webhook_secret'
const POLICY = '居家养老服务补贴（低保、特困、三无）'

test('a family applies, the community reviews, the bureau approves; a covered service is paid in part; the verified visit is claimed, approved and exported', async ({ page, browser, request }) => {
	test.setTimeout(240_000)
	const stamp = String(Date.now()).slice(-6)
	const title = `爱心送餐${stamp}`
	const nav = (p = page) => p.getByRole('navigation', { name: '主菜单' })

	// 1. The family applies for its 低保 elder.
	await login(page, '13800000001')
	await nav().getByRole('link', { name: '养老服务补贴' }).click()
	await page.getByRole('link', { name: '申请补贴' }).click()
	await page.getByLabel('老人', { exact: true }).selectOption({ label: '李桂英' })
	await page.getByLabel('补贴政策').selectOption({ label: POLICY })
	await page.getByLabel('家庭人口数').fill('3')
	await page.getByLabel('家庭月收入（元）').fill('1500')
	await expectAccessible(page)
	await page.getByRole('button', { name: '提交申请' }).click()
	await expect(page.getByTestId('application-status').first()).toHaveText('已提交，待社区初审')

	// 2. The community checks the household's economic status and passes it.
	const communityContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const community = await communityContext.newPage()
	await login(community, '13800000021')
	await nav(community).getByRole('link', { name: '补贴初审' }).click()
	const item = community.getByTestId('review-item').filter({ hasText: '李桂英' })
	await item.getByLabel('家庭经济状况核对结果').selectOption('pass')
	await item.getByLabel('初审意见').fill('经核对，符合低保条件')
	await expectAccessible(community)
	await item.getByRole('button', { name: '初审通过' }).click()
	await expect(community.getByRole('status')).toContainText('已保存初审结果')
	await communityContext.close()

	// 3. The district bureau approves: this month's credit arrives at once.
	const officerContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const officer = await officerContext.newPage()
	await login(officer, '13800000031')
	await nav(officer).getByRole('link', { name: '补贴审批' }).click()
	const approval = officer.getByTestId('approval-item').filter({ hasText: '李桂英' })
	await approval.getByLabel('审批意见').fill('符合条件，同意')
	await expectAccessible(officer)
	await approval.getByRole('button', { name: '批准', exact: true }).click()
	await expect(officer.getByRole('status')).toContainText('已批准')

	await page.reload()
	await expect(page.getByTestId('application-status').first()).toHaveText('已批准')
	await expect(page.getByTestId('credit-left').first()).toContainText('¥300.00')
	await expect(page.getByTestId('notice').first()).toContainText('已批准')

	// 4. The demo home-care provider publishes a covered service (meals) bookable all day.
	const providerContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const provider = await providerContext.newPage()
	await login(provider, '13800000011')
	await provider.goto('/provider/offerings/new')
	await provider.getByLabel('服务类别').selectOption('meals')
	await provider.getByLabel('服务名称').fill(title)
	await provider.getByLabel('简介').fill('营养午餐送到家')
	await provider.getByLabel('价格（元）').fill('50')
	await provider.getByLabel('服务时长（分钟）').fill('15')
	await provider.getByRole('button', { name: '保存' }).click()
	await expect(provider.getByRole('heading', { name: title })).toBeVisible()
	for (const day of ['周一', '周二', '周三', '周四', '周五', '周六', '周日']) await provider.getByRole('checkbox', { name: day }).check()
	await provider.getByLabel('开始时间').fill('00:00')
	await provider.getByLabel('结束时间').fill('23:59')
	await provider.getByLabel('同一时段可接待人数').fill('3')
	await provider.getByRole('button', { name: '添加服务时间' }).click()
	await expect(provider.getByRole('status')).toContainText('已添加服务时间')

	// 5. The family books it: 80% of ¥50.00 from the credit, ¥10.00 to pay, and only that goes to Stripe.
	await nav().getByRole('link', { name: '找服务' }).click()
	await page.getByLabel('关键词').fill(title)
	await page.getByRole('button', { name: '搜索' }).click()
	await page.getByTestId('results').getByRole('listitem').filter({ hasText: title }).getByRole('link', { name: '预约' }).click()
	await page.getByLabel('为哪位老人预约').selectOption({ label: '李桂英' })
	await page.getByRole('button', { name: '查看价格和时间' }).click()
	const split = page.getByTestId('price-split')
	await expect(split).toContainText('¥50.00')
	await expect(split).toContainText('¥40.00')
	await expect(split).toContainText('¥10.00')
	await page.getByLabel('服务地址').fill('东宝区龙泉社区3栋2单元501')
	await expectAccessible(page)
	await page.getByRole('button', { name: '确认预约' }).click()
	await page.getByRole('button', { name: '支付 ¥10.00' }).click()
	await expect(page.getByTestId('payment-status')).toHaveText('支付处理中')
	const paymentIntentId = (await page.getByTestId('payment-ref').textContent())!.trim()
	const bookingUrl = page.url()
	const payload = JSON.stringify({ id: `evt_sub_${stamp}`, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: paymentIntentId, object: 'payment_intent', amount: 1000, currency: 'cny', metadata: {} } } })
	const signature = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
	expect((await request.post('/resources/stripe-webhook', { data: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signature } })).status()).toBe(200)
	await page.reload()
	await expect(page.getByTestId('payment-status')).toHaveText('已支付')

	// 6. The provider confirms; the caregiver checks in and out with the home code.
	await provider.goto(bookingUrl)
	const confirm = provider.getByRole('button', { name: '确认预约' })
	if (await confirm.isVisible()) {
		await confirm.click()
		await expect(provider.getByRole('status')).toContainText('预约已确认')
	}
	await page.reload()
	const code = (await page.getByTestId('visit-code').textContent())!.trim()
	const phoneContext = await browser.newContext({ ...devices['Pixel 7'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: await providerContext.storageState() })
	const caregiver = await phoneContext.newPage()
	await caregiver.goto(bookingUrl.replace('/bookings/', '/visits/'))
	await caregiver.getByLabel('老人家中的核验码（6 位数字）').fill(code)
	await caregiver.getByRole('button', { name: '到达签到 · 使用核验码' }).click()
	await expect(caregiver.getByTestId('visit-result')).toContainText('已签到')
	await expect(caregiver.getByRole('button', { name: '完成签退 · 使用核验码' })).toBeVisible()
	// The page re-renders after check-in; fill only once it has settled, and check the value stuck.
	await caregiver.waitForLoadState('networkidle')
	const codeBox = caregiver.getByLabel('老人家中的核验码（6 位数字）')
	await codeBox.fill(code)
	await expect(codeBox).toHaveValue(code)
	await caregiver.getByRole('button', { name: '完成签退 · 使用核验码' }).click()
	await expect(caregiver.getByTestId('visit-result')).toContainText('已签退')
	await phoneContext.close()

	// A visit of seconds is flagged: it waits for review and is not claimable yet.
	await nav(provider).getByRole('link', { name: '补贴结算' }).click()
	await expect(provider.getByTestId('flagged-waiting')).toBeVisible()
	await nav(officer).getByRole('link', { name: '服务核查' }).click()
	const flagged = officer.getByRole('listitem').filter({ hasText: title })
	await flagged.getByLabel('核查意见').fill('已电话回访老人，确认服务已送达')
	await flagged.getByRole('button', { name: '核查通过' }).click()
	await expect(officer.getByRole('listitem').filter({ hasText: title })).toHaveCount(0)

	// 7. The provider prepares this month's claim; the bureau approves and exports it.
	await provider.reload()
	await expectAccessible(provider)
	await provider.getByRole('button', { name: '生成本月结算单' }).click()
	await expect(provider.getByTestId('claim-status')).toHaveText('待审核')
	await expect(provider.getByTestId('claim-line').filter({ hasText: '李桂英' })).toContainText('¥40.00')
	const claimUrl = provider.url()

	await officer.goto(claimUrl)
	await officer.getByLabel('备注').fill('核对无误')
	await expectAccessible(officer)
	await officer.getByRole('button', { name: '审核通过' }).click()
	await expect(officer.getByTestId('claim-status')).toHaveText('已批准')
	const [download] = await Promise.all([officer.waitForEvent('download'), officer.getByRole('link', { name: '导出 CSV 文件' }).click()])
	const csv = await readFile((await download.path())!, 'utf8')
	expect(csv).toContain('李桂英')
	expect(csv).toContain('40.00')

	// 8. The bureau's report shows the spending with its chart; the family's credit shows what is left.
	await nav(officer).getByRole('link', { name: '补贴统计' }).click()
	await expect(officer.getByRole('img', { name: /各月补贴支出/ })).toBeVisible()
	await expect(officer.getByTestId('services')).not.toHaveText('0')
	await expectAccessible(officer)
	await nav().getByRole('link', { name: '养老服务补贴' }).click()
	await expect(page.getByTestId('credit-left').first()).toContainText('¥260.00')
	await officerContext.close()
	await providerContext.close()
})
