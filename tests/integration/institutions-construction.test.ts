// Issue 14 item 3: the construction subsidy (建设补贴). New beds are inspected by the district,
// applied for by the institution, reviewed by the district and approved by the city (three
// accounts), and each bed is paid once ever, by the database. Bad input: 4xx, nothing written.
import { describe, expect, it } from 'vitest'
import { prisma } from '~/lib/db.server.ts'
import { sql } from '~/lib/sql.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import * as bureauCsv from '~/routes/bureau.construction[.]csv.ts'
import * as bureauRoute from '~/routes/bureau.construction.tsx'
import * as institutionRoute from '~/routes/institution.construction.tsx'
import * as photoRoute from '~/routes/construction.photos.$photoId.ts'
import { readPhotos } from '~/modules/institutions/photos.server.ts'
import { recordAcceptance } from '~/modules/institutions/construction.server.ts'
import { makeUser } from '../factories/accounts.ts'
import { makeInstitutionStaff, makeRoomWithBeds } from '../factories/beds.ts'
import { callAction, callLoader, signIn } from '../setup/route.ts'

async function newInstitution(districtId = 'dongbao') {
	const n = `${process.pid}${Math.floor(Math.random() * 1e6)}`
	const p = await prisma.provider.create({ data: { name: `测试养老院${n}`, kind: 'institution', licenceNo: `C-${n}`, districtId, status: 'approved' }, select: { id: true } })
	return { providerId: p.id, staff: await makeInstitutionStaff(p.id) }
}

type Reply = { ok: boolean; value?: unknown; result: { error?: Record<string, string[]> } }
const errorsOf = (r: { data: unknown }) => Object.values((r.data as Reply).result?.error ?? {}).flat()
const applications = (providerId: string) => prisma.constructionApplication.count({ where: { providerId } })

describe('construction subsidy', () => {
	it('inspect → apply → district review → city approval pays each bed once; a bed removed and re-added is not paid again', async () => {
		const today = shanghaiDate()
		const inst = await newInstitution()
		const nursing = await makeRoomWithBeds(inst.providerId, 2, { type: 'nursing' })
		const selfCare = await makeRoomWithBeds(inst.providerId, 1, { type: 'self_care' })
		const beds = [...nursing.bedIds, ...selfCare.bedIds]
		const staff = await signIn(inst.staff.phone)
		const reviewer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const approver = await makeUser({ role: 'bureau_city' })
		const asReviewer = await signIn(reviewer.phone)
		const asApprover = await signIn(approver.phone)

		// The institution sees its new beds awaiting inspection (the seeded 2015 beds are not new).
		const before = await callLoader<{ awaiting: { id: string }[]; accepted: unknown[] }>(institutionRoute, '/institution/construction', { as: staff })
		expect(before.data.awaiting.map((b) => b.id).sort()).toEqual([...beds].sort())
		expect(before.data.accepted).toEqual([])

		// Bad input: applying for beds not yet inspected → 400, nothing written.
		const early = await callAction(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: beds }, { as: staff })
		expect(early.status).toBe(400)
		expect(errorsOf(early)).toContain('beds:construction.errors.notAccepted')
		expect(await applications(inst.providerId)).toBe(0)
		// No beds chosen → 400.
		expect((await callAction(institutionRoute, '/institution/construction', { formId: 'apply' }, { as: staff })).status).toBe(400)

		// The inspection: a future date, another institution's bed, an officer of another district → refused.
		const accept = { formId: 'accept', providerId: inst.providerId, inspectedOn: today, bedIds: beds, note: '消防、无障碍合格' }
		expect((await callAction(bureauRoute, '/bureau/construction', { ...accept, inspectedOn: '2999-01-01' }, { as: asReviewer })).status).toBe(400)
		const other = await newInstitution()
		const foreign = await makeRoomWithBeds(other.providerId, 1)
		expect((await callAction(bureauRoute, '/bureau/construction', { ...accept, bedIds: [...beds, ...foreign.bedIds] }, { as: asReviewer })).status).toBe(409)
		const zhongxiang = await signIn((await makeUser({ role: 'bureau_district', districtId: 'zhongxiang' })).phone)
		expect((await callAction(bureauRoute, '/bureau/construction', accept, { as: zhongxiang })).status).toBe(403)
		expect(await prisma.bedAcceptance.count({ where: { providerId: inst.providerId } })).toBe(0)
		// The district officer sees the institution waiting, and records the inspection.
		const queue = await callLoader<{ institutions: { id: string; awaiting: number }[] }>(bureauRoute, '/bureau/construction', { as: asReviewer })
		expect(queue.data.institutions.find((i) => i.id === inst.providerId)?.awaiting).toBe(3)
		expect((await callAction(bureauRoute, '/bureau/construction', accept, { as: asReviewer })).status).toBe(200)
		// Inspected twice → 409 from the unique index, translated.
		const twice = await callAction(bureauRoute, '/bureau/construction', accept, { as: asReviewer })
		expect(twice.status).toBe(409)

		// The institution applies: 2 nursing beds at ¥5,000 and 1 self-care bed at ¥3,000 (default rates), in fen.
		const applied = await callAction<Reply>(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: beds }, { as: staff })
		expect(applied.status).toBe(200)
		expect(applied.data.value).toMatchObject({ totalFen: 1_300_000 })
		const app = await prisma.constructionApplication.findFirstOrThrow({ where: { providerId: inst.providerId }, select: { id: true, status: true, totalFen: true, bedCount: true } })
		expect(app).toMatchObject({ status: 'submitted', totalFen: 1_300_000, bedCount: 3 })
		// The same beds again → 409 (one live application per bed).
		const again = await callAction(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: [beds[0]!] }, { as: staff })
		expect(again.status).toBe(409)
		expect(errorsOf(again)).toContain('beds:construction.errors.alreadyApplied')

		// The city cannot approve before the district's review; another district cannot review.
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `approve-${app.id}`, applicationId: app.id, decision: 'approve' }, { as: asApprover })).status).toBe(409)
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `review-${app.id}`, applicationId: app.id, decision: 'pass' }, { as: zhongxiang })).status).toBe(403)
		// Refusing needs a reason.
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `review-${app.id}`, applicationId: app.id, decision: 'reject' }, { as: asReviewer })).status).toBe(400)
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `review-${app.id}`, applicationId: app.id, decision: 'pass', note: '材料齐全' }, { as: asReviewer })).status).toBe(200)

		// The reviewer cannot also approve; nor can a city officer whose account the reviewer created.
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `approve-${app.id}`, applicationId: app.id, decision: 'approve' }, { as: asReviewer })).status).toBe(403)
		const related = await makeUser({ role: 'bureau_city' })
		await prisma.user.update({ where: { id: related.id }, data: { createdById: reviewer.id } })
		const relatedTry = await callAction(bureauRoute, '/bureau/construction', { formId: `approve-${app.id}`, applicationId: app.id, decision: 'approve' }, { as: await signIn(related.phone) })
		expect(relatedTry.status).toBe(403)
		expect(errorsOf(relatedTry)).toContain('errors.twoPerson.creatorRelated')
		// The database refuses one account deciding what it reviewed, whatever the code does.
		await expect(sql`UPDATE construction_application SET "decidedById" = "reviewedById" WHERE id = ${app.id}::uuid`.run()).rejects.toMatchObject({ constraint: 'construction_application_two_people' })
		expect((await prisma.constructionApplication.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('reviewed')

		// The city approves: every bed is paid once, today.
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `approve-${app.id}`, applicationId: app.id, decision: 'approve', note: '同意拨付' }, { as: asApprover })).status).toBe(200)
		expect(await prisma.constructionPaidBed.count({ where: { providerId: inst.providerId } })).toBe(3)
		expect((await prisma.constructionPaidBed.aggregate({ where: { providerId: inst.providerId }, _sum: { amountFen: true } }))._sum.amountFen).toBe(1_300_000)
		expect(await prisma.auditLog.count({ where: { entityId: app.id, action: { in: ['construction.apply', 'construction.review_pass', 'construction.approve'] } } })).toBe(3)
		// Deciding again → 409.
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `approve-${app.id}`, applicationId: app.id, decision: 'approve' }, { as: asApprover })).status).toBe(409)

		// A bed taken out of service ("removed") and put back ("re-added") is the same bed: not paid again.
		await sql`UPDATE bed SET status = 'out_of_service' WHERE id = ${beds[0]!}::uuid`.run()
		await sql`UPDATE bed SET status = 'vacant' WHERE id = ${beds[0]!}::uuid`.run()
		const after = await callLoader<{ awaiting: unknown[]; accepted: unknown[]; paid: { beds: number; totalFen: number } }>(institutionRoute, '/institution/construction', { as: staff })
		expect(after.data).toMatchObject({ awaiting: [], accepted: [], paid: { beds: 3, totalFen: 1_300_000 } })
		// Even with the live application gone (say it had been refused), the payment table refuses the bed.
		await sql`UPDATE construction_application_bed SET active = false WHERE "bedId" = ${beds[0]!}::uuid`.run()
		const repaid = await callAction(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: [beds[0]!] }, { as: staff })
		expect(repaid.status).toBe(409)
		expect(errorsOf(repaid)).toContain('beds:construction.errors.alreadyPaid')
		await expect(sql`INSERT INTO construction_paid_bed ("bedId", "applicationId", "providerId", "amountFen", "paidOn") VALUES (${beds[0]!}::uuid, ${app.id}::uuid, ${inst.providerId}::uuid, 500000, ${today}::date)`.run()).rejects.toMatchObject({ constraint: 'construction_paid_bed_once' })
		await expect(sql`DELETE FROM construction_paid_bed WHERE "bedId" = ${beds[0]!}::uuid`.run()).rejects.toMatchObject({ constraint: 'construction_paid_append_only' })
		expect(await applications(inst.providerId)).toBe(1)

		// The city sees and exports what was paid (one line per bed, with the total).
		const board = await callLoader<{ paid: { beds: number; totalFen: number } }>(bureauRoute, '/bureau/construction', { as: asApprover })
		expect(board.data.paid.beds).toBeGreaterThanOrEqual(3)
		const csv = await callLoader<string>(bureauCsv, '/bureau/construction.csv', { as: asApprover })
		expect(csv.status).toBe(200)
		expect(csv.data).toContain(`${nursing.name}-1`)
		expect(csv.data).toContain('5000.00')
	})

	it('the district refuses with a reason: the beds are free to apply for again; an institution cannot apply for beds not its own', async () => {
		const inst = await newInstitution()
		const room = await makeRoomWithBeds(inst.providerId, 1, { type: 'dementia' })
		const staff = await signIn(inst.staff.phone)
		const reviewer = await signIn((await makeUser({ role: 'bureau_district', districtId: 'dongbao' })).phone)
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: 'accept', providerId: inst.providerId, inspectedOn: shanghaiDate(), bedIds: room.bedIds }, { as: reviewer })).status).toBe(200)
		const other = await newInstitution()
		const otherStaff = await signIn(other.staff.phone)
		expect((await callAction(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: room.bedIds }, { as: otherStaff })).status).toBe(404)
		expect((await callAction(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: room.bedIds }, { as: staff })).status).toBe(200)
		const app = await prisma.constructionApplication.findFirstOrThrow({ where: { providerId: inst.providerId }, select: { id: true, totalFen: true } })
		expect(app.totalFen).toBe(300_000)
		expect((await callAction(bureauRoute, '/bureau/construction', { formId: `review-${app.id}`, applicationId: app.id, decision: 'reject', note: '缺少验收照片' }, { as: reviewer })).status).toBe(200)
		const page = await callLoader<{ applications: { status: string; reviewNote: string }[]; accepted: { id: string }[] }>(institutionRoute, '/institution/construction', { as: staff })
		expect(page.data.applications[0]).toMatchObject({ status: 'rejected', reviewNote: '缺少验收照片' })
		expect(page.data.accepted.map((b) => b.id)).toEqual(room.bedIds)
		expect((await callAction(institutionRoute, '/institution/construction', { formId: 'apply', bedIds: room.bedIds }, { as: staff })).status).toBe(200)
		expect(await prisma.constructionPaidBed.count({ where: { providerId: inst.providerId } })).toBe(0)
	})

	it('takes optional inspection photos (images only, at most 3) and shows them to the institution and its officers only', async () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52])
		const form = (files: File[]) => {
			const f = new FormData()
			for (const file of files) f.append('photos', file)
			return f
		}
		expect(await readPhotos(form([new File(['<script>alert(1)</script>'], 'x.png', { type: 'image/png' })]))).toMatchObject({ ok: false, status: 400, fieldErrors: { photos: ['beds:construction.errors.photoType'] } })
		expect(await readPhotos(form([1, 2, 3, 4].map((i) => new File([png], `${i}.png`))))).toMatchObject({ ok: false, fieldErrors: { photos: ['beds:construction.errors.photoCount'] } })
		expect(await readPhotos(form([new File([new Uint8Array(0)], '')]))).toEqual({ ok: true, value: [] })
		const photos = await readPhotos(form([new File([png], 'room.png')]))
		expect(photos).toMatchObject({ ok: true, value: [{ contentType: 'image/png' }] })

		const inst = await newInstitution()
		const room = await makeRoomWithBeds(inst.providerId, 1)
		const officer = await makeUser({ role: 'bureau_district', districtId: 'dongbao' })
		const done = await recordAcceptance(officer, { providerId: inst.providerId, inspectedOn: shanghaiDate(), bedIds: room.bedIds, photos: photos.ok ? photos.value : [] }, null)
		expect(done.ok).toBe(true)
		const page = await callLoader<{ acceptances: { photoIds: string[]; beds: number }[] }>(institutionRoute, '/institution/construction', { as: await signIn(inst.staff.phone) })
		const [photoId] = page.data.acceptances[0]!.photoIds
		expect(page.data.acceptances[0]!.beds).toBe(1)
		const own = await callLoader<string>(photoRoute, `/construction/photos/${photoId}`, { as: await signIn(inst.staff.phone), params: { photoId: photoId! } })
		expect(own.status).toBe(200)
		expect(own.headers.get('content-type')).toBe('image/png')
		const other = await newInstitution()
		expect((await callLoader(photoRoute, `/construction/photos/${photoId}`, { as: await signIn(other.staff.phone), params: { photoId: photoId! } })).status).toBe(404)
		expect((await callLoader(photoRoute, `/construction/photos/${photoId}`, { as: await signIn((await makeUser({ role: 'bureau_district', districtId: 'zhongxiang' })).phone), params: { photoId: photoId! } })).status).toBe(404)
		expect((await callLoader(photoRoute, `/construction/photos/${photoId}`, { as: await signIn(officer.phone), params: { photoId: photoId! } })).status).toBe(200)
	})
})
