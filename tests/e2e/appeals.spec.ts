import { expect, expectAccessible, login, test } from './fixtures.ts'

// Issue 15 item 2: the family appeals the assessed capability level of its elder from a plain HTML
// form (JavaScript off) with a PDF attached; the district officer — the level above the assessor —
// sees it in the one appeals queue with the file, downloads it, and upholds the decision; the family
// sees the outcome. (Upheld, so the seeded elder's level, which other journeys use, is unchanged.)
const ELDER = '李桂英'
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

test('a family appeals an assessed level with an attachment, without JavaScript; the district reviews it', async ({ browser }) => {
	test.setTimeout(180_000)
	const familyContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled: false })
	const family = await familyContext.newPage()
	await login(family, '13800000001')
	await family.goto('/subsidies/appeals')
	const item = family.getByTestId('refusal-item').filter({ hasText: ELDER }).filter({ hasText: '能力评估等级' })
	await expect(item).toContainText('申请期限')
	await item.getByLabel('申请理由').fill('老人已长期卧床，评估等级偏轻，附医院诊断证明。')
	await item.getByLabel('证明材料（附件）').setInputFiles({ name: '诊断证明.pdf', mimeType: 'application/pdf', buffer: PDF })
	await item.getByRole('button', { name: '申请复核' }).click()
	await expect(family.getByRole('status')).toContainText('复核申请已提交')

	const officerContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
	const officer = await officerContext.newPage()
	await login(officer, '13800000031')
	await officer.goto('/subsidies/due-process')
	const appeal = officer.getByTestId('appeal-item').filter({ hasText: ELDER }).filter({ hasText: '能力评估等级' })
	await expect(appeal).toContainText('老人已长期卧床')
	// (axe needs scripts, so the desk is scanned rather than the family's no-JavaScript page.)
	await expectAccessible(officer)
	const file = appeal.getByRole('link', { name: '诊断证明.pdf' })
	const download = await officer.request.get((await file.getAttribute('href'))!)
	expect(download.status()).toBe(200)
	expect(download.headers()['content-type']).toBe('application/pdf')
	expect(Buffer.from(await download.body()).equals(PDF)).toBe(true)
	await appeal.getByLabel('复核意见').fill('评估过程规范，等级认定无误')
	await appeal.getByRole('button', { name: '维持原决定' }).click()
	await expect(officer.getByRole('status')).toContainText('复核结果已记录')

	await family.goto('/subsidies/appeals')
	await expect(family.getByTestId('refusal-item').filter({ hasText: ELDER }).filter({ hasText: '能力评估等级' }).getByTestId('appeal-status')).toContainText('维持原决定：评估过程规范')
	await familyContext.close()
	await officerContext.close()
})
