import { DEMO_PASSWORD, expect, expectAccessible, login, menuLink, test } from './fixtures.ts'

// PIPL arts. 44–50: a family asks for a copy of its elder's record online, the elder's community
// officer fulfils it, and the family downloads the copy after giving its password again.
test('a family asks for a copy of an elder’s record, the community fulfils it, the family downloads it', async ({ page, browser }) => {
	test.setTimeout(120_000)
	// 张伟's elder 李桂英 (龙泉社区; the seed's open request is a correction for 张德明).
	await login(page, '13800000001')
	await page.goto('/account/data')
	await page.getByRole('link', { name: '查阅、更正或删除老人的信息' }).click()
	await expect(page.getByRole('heading', { name: '查阅、更正或删除老人的信息', level: 1 })).toBeVisible()
	await page.getByLabel('老人', { exact: true }).selectOption({ label: '李桂英' })
	await page.getByLabel('申请事项').selectOption('copy')
	await page.getByRole('button', { name: '提交申请' }).click()
	await expect(page.getByRole('status').filter({ hasText: '申请已提交' })).toBeVisible()
	const mine = page.getByTestId('my-request').filter({ hasText: '李桂英' }).filter({ hasText: '查阅、复制' })
	await expect(mine.getByTestId('request-status')).toHaveText('办理中')
	await expectAccessible(page)

	// The community officer finds it in the queue with its due date and fulfils it.
	const officerContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const officer = await officerContext.newPage()
	await login(officer, '13800000021')
	// The officer's home page says what waits, the family's request among it.
	await officer.goto('/')
	await expect(officer.getByTestId('waiting-work').getByRole('heading', { name: '等待您处理' })).toBeVisible()
	await expect(officer.getByTestId('waiting-rights')).toContainText('个人信息权利申请')
	await expectAccessible(officer)
	await (await menuLink(officer, '信息权利申请')).click()
	await expect(officer.getByRole('heading', { name: '个人信息权利申请', level: 1 })).toBeVisible()
	const card = officer.getByTestId('open-request').filter({ hasText: '李桂英' }).filter({ hasText: '查阅、复制' })
	await expect(card.getByTestId('due-on')).not.toBeEmpty()
	await expectAccessible(officer)
	await card.getByRole('button', { name: '已办理' }).click()
	await expect(officer.getByRole('status').filter({ hasText: '已通知申请人' })).toBeVisible()
	await expect(officer.getByRole('table').getByRole('row').filter({ hasText: '李桂英' }).first()).toContainText('已办理')
	await officerContext.close()

	// The family was told, confirms its password, and downloads the copy: masked number, no birth date.
	await page.goto('/notifications')
	await expect(page.getByText('您为李桂英提出的申请已办理')).toBeVisible()
	await page.goto(`/reauth?redirectTo=${encodeURIComponent('/account/requests')}`)
	await page.getByLabel('密码').fill(DEMO_PASSWORD)
	await page.getByRole('button', { name: '确认' }).click()
	await expect(page.getByRole('heading', { name: '查阅、更正或删除老人的信息', level: 1 })).toBeVisible()
	const done = page.getByTestId('my-request').filter({ hasText: '李桂英' }).filter({ hasText: '查阅、复制' }).first()
	await expect(done.getByTestId('request-status')).toHaveText('已办理')
	const download = page.waitForEvent('download')
	await done.getByRole('link', { name: '下载老人信息副本（JSON）' }).click()
	const file = await (await download).createReadStream()
	const chunks: Buffer[] = []
	for await (const chunk of file) chunks.push(chunk as Buffer)
	const raw = Buffer.concat(chunks).toString('utf8')
	const copy = JSON.parse(raw) as { elder: { name: string; idNumber: string; community: string }; allowancePayments: unknown[] }
	expect(copy.elder).toMatchObject({ name: '李桂英', community: '龙泉社区' })
	expect(copy.elder.idNumber).toMatch(/^\d{4}\*+[\dX]{2}$/)
	expect(raw).not.toMatch(/\d{17}[\dX]/)
})
