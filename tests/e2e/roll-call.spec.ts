import { TEST_PASSWORD } from '../factories/accounts.ts'
import { expect, expectAccessible, login, menuLink, test } from './fixtures.ts'
import { subsidisedDayCareToday } from './support/centre-booking.ts'

// Issue 14 item 5 in the browser, on a 360 px phone: a community centre's staff call the roll for
// today's day care; the elder arrives and leaves with one meal served, which completes the subsidised
// booking (its credit captured, so the centre can claim it). The family sees it completed.

test.use({ viewport: { width: 360, height: 780 } })

test("a centre's roll call completing a subsidised day-care booking @phone", async ({ page, browser }) => {
	test.setTimeout(120_000)
	const b = subsidisedDayCareToday()
	expect(b.status).toBe('confirmed')
	expect(b.subsidyFen).toBe(8_000)

	await login(page, b.staffPhone, TEST_PASSWORD)
	await (await menuLink(page, '点名签到')).click()
	await expect(page.getByRole('heading', { level: 1 })).toContainText(b.day)
	const row = page.getByTestId(`roll-${b.bookingId}`)
	await expect(row).toContainText(b.elderName)
	await expectAccessible(page)

	// Arrival by roll call: in service.
	await row.getByRole('button', { name: '已到' }).click()
	await expect(page.getByTestId('attendance-result')).toBeVisible()
	await expect(page.getByTestId(`roll-${b.bookingId}`).getByLabel('用餐份数')).toBeVisible()

	// Departure with one meal: the booking completes.
	await page.getByTestId(`roll-${b.bookingId}`).getByLabel('用餐份数').fill('1')
	await page.getByTestId(`roll-${b.bookingId}`).getByRole('button', { name: '离开' }).click()
	await expect(page.getByTestId('attendance-result')).toBeVisible()
	await expect(page.getByTestId(`roll-${b.bookingId}`)).toContainText('已完成')
	await expect(page.getByTestId(`roll-${b.bookingId}`).getByRole('button')).toHaveCount(0)
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
	await expectAccessible(page)

	// The family sees the booking completed, with the subsidy part taken from the credit.
	const familyContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 780 } })
	const family = await familyContext.newPage()
	await login(family, b.familyPhone, TEST_PASSWORD)
	await family.goto(`/bookings/${b.bookingId}`)
	await expect(family.getByText('已完成').first()).toBeVisible()
	await expect(family.getByText('¥80.00').first()).toBeVisible()
})
