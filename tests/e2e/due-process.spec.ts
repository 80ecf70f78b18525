import { expect, expectAccessible, login, test } from './fixtures.ts'
import { backdateNoticeOf } from './support/due-process.ts'

// Issue 15: an approval waits on the community's public notice (公示); a passer-by objects from the
// public page (no sign-in, accessible, printable); the community officer finds the objection not
// upheld after the notice ended; the grant takes effect and the family sees the credit.
const POLICY = '失能半失能老人护理补贴'
const ELDER = '张永福'

test('a grant goes through public notice → objection (not upheld) → effect', async ({ page, browser }) => {
	test.setTimeout(240_000)
	const nav = (p = page) => p.getByRole('navigation', { name: '主菜单' })
	const officerPage = async (phone: string) => {
		const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
		const p = await context.newPage()
		await login(p, phone)
		return { p, context }
	}

	// 1. The family applies; the community, the township and the district bureau pass it.
	await login(page, '13800000001')
	await page.goto('/subsidies/apply')
	await page.getByLabel('老人', { exact: true }).selectOption({ label: ELDER })
	await page.getByLabel('补贴政策').selectOption({ label: POLICY })
	await page.getByLabel('家庭人口数').fill('2')
	await page.getByLabel('家庭月收入（元）').fill('1200')
	await page.getByRole('button', { name: '提交申请' }).click()
	await expect(page.getByTestId('application-status').first()).toHaveText('已提交，待社区初审')

	const community = await officerPage('13800000021')
	await community.p.goto('/subsidies/review')
	const item = community.p.getByTestId('review-item').filter({ hasText: ELDER })
	await item.getByLabel('家庭经济状况核对结果').selectOption('pass')
	await item.getByLabel('初审意见').fill('失能情况属实')
	await item.getByRole('button', { name: '初审通过' }).click()
	await expect(community.p.getByRole('status')).toContainText('已保存初审结果')

	const township = await officerPage('13800000022')
	await township.p.goto('/subsidies/review')
	const townshipItem = township.p.getByTestId('review-item').filter({ hasText: ELDER })
	await townshipItem.getByLabel('乡镇（街道）审核意见').fill('情况属实')
	await townshipItem.getByRole('button', { name: '审核通过' }).click()
	await expect(township.p.getByRole('status')).toContainText('转交民政局审批')
	await township.context.close()

	const bureau = await officerPage('13800000031')
	await bureau.p.goto('/subsidies/approvals')
	const approval = bureau.p.getByTestId('approval-item').filter({ hasText: ELDER })
	await approval.getByLabel('审批意见').fill('符合条件，同意')
	await approval.getByRole('button', { name: '批准', exact: true }).click()
	await expect(bureau.p.getByRole('status')).toContainText('已批准')

	// 2. Approved, but on notice: no credit yet, and the family is told why.
	await page.goto('/subsidies')
	await expect(page.getByTestId('notice').first()).toContainText('正在社区公示')

	// 3. The officers' desk links the community's public notice.
	await nav(bureau.p).getByRole('link', { name: '公示与复核' }).click()
	const link = bureau.p.getByRole('link', { name: '张*福' })
	const href = await link.getAttribute('href')
	expect(href).toMatch(/^\/notice\//)
	await bureau.context.close()

	// 4. Anyone, signed out and on a phone-sized screen, reads the notice and objects.
	const visitorContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 } })
	const visitor = await visitorContext.newPage()
	await visitor.goto(href!)
	await expect(visitor.getByRole('heading', { level: 1 })).toContainText('公示')
	const list = visitor.getByTestId('notice-list')
	await expect(list).toContainText('张*福')
	await expect(list).toContainText(POLICY)
	await expect(list).not.toContainText(ELDER)
	await expectAccessible(visitor)
	await visitor.getByLabel('异议对象').selectOption({ label: `张*福 · ${POLICY}` })
	await visitor.getByLabel('您的姓名').fill('王建华')
	await visitor.getByLabel('联系电话').fill('13912345678')
	await visitor.getByLabel('异议理由').fill('听说老人能自己下楼买菜，失能情况存疑')
	await visitor.getByRole('button', { name: '提交异议' }).click()
	await expect(visitor.getByRole('status')).toContainText('异议已收到')
	await expectAccessible(visitor)
	// Printed for the notice board: the list stays, the form goes.
	await visitor.emulateMedia({ media: 'print' })
	await expect(visitor.getByTestId('notice-list').first()).toBeVisible()
	await expect(visitor.getByRole('button', { name: '提交异议' })).toBeHidden()
	await visitorContext.close()

	// 5. The notice period ends (moved into the past: 7 days are not waited for); the objection is
	// still pending, so the grant waits. The community officer finds it not upheld: the grant opens.
	await backdateNoticeOf(ELDER)
	await community.p.goto('/subsidies/due-process')
	const objection = community.p.getByTestId('objection-item').filter({ hasText: '张*福' })
	await expect(objection).toContainText('失能情况存疑')
	await objection.getByLabel('核实结论').fill('经入户评估，老人完全失能，异议不成立')
	await expectAccessible(community.p)
	await objection.getByRole('button', { name: '异议不成立' }).click()
	await expect(community.p.getByRole('status')).toContainText('核实结论已记录')
	await community.context.close()

	// 6. In effect: the family sees this month's credit.
	await page.reload()
	await expect(page.getByTestId('notice').first()).toContainText('已生效')
	const row = page.getByTestId('application-status').first()
	await expect(row).toHaveText('已批准')
	await expect(page.getByTestId('credit-left').first()).toContainText('¥200.00')
})
