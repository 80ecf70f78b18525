// A family pays a booking with WeChat Pay's QR flow on a desktop: the page shows the QR code from the
// confirmed intent's next action (stripe-mock behind the wallet stand-in); the family's phone "scans"
// it (the stand-in for the wallet's confirmation is Stripe's signed webhook, which the test sends with
// the app's webhook secret); the open page sees the payment by itself. No Stripe id is ever shown.
import type { Page } from '@playwright/test'
import { chooseSlotSoonAfter, expect, expectAccessible, login, paymentIntentOf, publishOffering, stripeReportsPayment, test } from './fixtures.ts'

const nav = (p: Page) => p.getByRole('navigation', { name: '主菜单' })


test('a family pays with WeChat Pay by scanning the QR code; the page shows paid after the signed webhook', async ({ page, browser, request }) => {
	test.setTimeout(120_000)
	const stamp = String(Date.now()).slice(-6)
	const title = `扫码助浴${stamp}`
	await publishOffering(browser, title)

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

	// Both wallets are offered; the family chooses WeChat Pay.
	const methods = page.getByRole('group', { name: '付款 ¥45.00：请选择付款方式' })
	await expect(methods.getByRole('button', { name: '支付宝' })).toBeVisible()
	await expectAccessible(page)
	await methods.getByRole('button', { name: '微信支付' }).click()

	// The QR code from the intent's next action, and a refresh link that works without JavaScript.
	const qr = page.getByTestId('wechat-qr')
	await expect(qr.getByRole('heading', { name: '微信扫码付款 ¥45.00' })).toBeVisible()
	const image = qr.getByRole('img', { name: '微信支付二维码' })
	await expect(image).toBeVisible()
	expect(await image.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
	expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(50)
	await expect(qr.getByRole('link', { name: '已经付款？点这里刷新查看结果' })).toBeVisible()
	await expect(page.getByTestId('payment-status')).toHaveText('支付处理中')
	// The family could still switch to Alipay.
	await expect(methods.getByRole('button', { name: '支付宝' })).toBeVisible()
	await expectAccessible(page)
	expect(await page.content()).not.toMatch(/pi_[A-Za-z0-9]{6,}/)

	// The family scans and pays in WeChat: Stripe's signed webhook reports it; the open page updates by itself.
	const paymentIntentId = await paymentIntentOf(page.url())
	await stripeReportsPayment(request, { eventId: `evt_wechat_${stamp}`, paymentIntentId, amountFen: 4500, method: 'wechat_pay' })
	await expect(page.getByTestId('payment-status')).toHaveText('已支付', { timeout: 15_000 })
	await expect(page.getByTestId('wechat-qr')).toHaveCount(0)
	await expect(page.getByRole('button', { name: '微信支付' })).toHaveCount(0)
})
