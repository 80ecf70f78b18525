// The allowance as it concerns people: liveness certifications, cremation records, and each
// elder's status and history for their family and the officials in scope.
import { z } from 'zod'
import { prisma, transaction } from '~/lib/db.server.ts'
import { refusalOf } from '~/lib/db-rules.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { sql } from '~/lib/sql.server.ts'
import { fail } from '~/lib/outcome.ts'
import { shanghaiDate, shanghaiMonth, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { canActInDistrict, elderScope } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { hashIdNumber } from '~/modules/identity/id-crypto.server.ts'
import { parseIdNumber } from '~/modules/identity/id-number.ts'
import { recordDeathFromCremation } from '~/modules/life-events/life-events.server.ts'
import { parseCsvUpload, type CsvFile, type LineReport } from './csv.server.ts'
import { loadSettingsVersions } from './engine.server.ts'
import { mayRecordCard } from './cards.server.ts'
import { decideMonth, firstEligibleMonth, settingsForMonth, type PaymentRecovery } from './rules.ts'
import type { livenessSchema } from './schemas.ts'

export { CARD_ROLES, recordCard, revealCard } from './cards.server.ts'

export const LIVENESS_ROLES = ['community_officer', 'bureau_district', 'bureau_city'] as const

const d = (x: Date | null) => (x ? toDateString(x) : null)

/** One elder's allowance: this month's decision, the payments and the months stopped, with reasons. */
export async function elderAllowance(user: SessionUser, elderId: string) {
	if (!z.uuid().safeParse(elderId).success) return null
	const elder = await prisma.elder.findFirst({
		where: { AND: [{ id: elderId }, elderScope(user)] },
		select: {
			id: true, name: true, idNumberMasked: true, birthDate: true, deathDate: true, residencyStatus: true, movedOutOn: true, lastLivenessAt: true, districtId: true, bankCardRef: true, bankName: true, bankAccountHolder: true, bankCardCipher: true,
			// Where the family goes next (a liveness certification, a card): the community's office and its hours.
			community: { select: { nameZh: true, nameEn: true, openingHours: true } },
		},
	})
	if (!elder) return null
	const [cremation, payments, stops, certs, versions] = await Promise.all([
		prisma.cremationRecord.findUnique({ where: { elderId }, select: { deathDate: true } }),
		prisma.allowancePayment.findMany({ where: { elderId }, orderBy: { month: 'desc' }, take: 120, select: { id: true, month: true, kind: true, tier: true, amountFen: true, status: true, run: { select: { status: true } } } }),
		sql`SELECT s.month, s.reason FROM allowance_stop s JOIN allowance_run r ON r.id = s."runId" AND r.status <> 'rejected' WHERE s."elderId" = ${elderId} ORDER BY s.month DESC LIMIT 60`.rows<{ month: string; reason: string }>(),
		prisma.livenessCertification.findMany({ where: { elderId }, orderBy: { certifiedOn: 'desc' }, take: 10, select: { certifiedOn: true, method: true, createdAt: true } }),
		loadSettingsVersions(),
	])
	const month = shanghaiMonth()
	const birthDate = toDateString(elder.birthDate)
	const deathDate = [d(elder.deathDate), d(cremation?.deathDate ?? null)].filter((x): x is string => !!x).sort()[0] ?? null
	// Money paid for a month after the month of death is to be returned (recoveries.server.ts): each such payment says how much of it still is.
	const deathMonth = d(elder.deathDate)?.slice(0, 7) ?? null
	const afterDeath = payments.filter((p) => deathMonth !== null && p.month > deathMonth && (p.status === 'paid' || p.status === 'sent'))
	const taken = new Map<string, { recovered: number; waived: number }>()
	if (afterDeath.length)
		for (const r of await prisma.allowanceRecovery.groupBy({ by: ['paymentId', 'outcome'], where: { paymentId: { in: afterDeath.map((p) => p.id) } }, _sum: { amountFen: true } })) {
			const t = taken.get(r.paymentId) ?? { recovered: 0, waived: 0 }
			t[r.outcome === 'waived' ? 'waived' : 'recovered'] += r._sum.amountFen ?? 0
			taken.set(r.paymentId, t)
		}
	// owed: nothing back yet; partial: some back, remainingFen still to return; recovered: all back; waived: what remained was written off.
	const recoveryOf = (p: (typeof payments)[number]): { recovery: PaymentRecovery | null; remainingFen: number | null } => {
		if (!afterDeath.includes(p)) return { recovery: null, remainingFen: null }
		const t = taken.get(p.id) ?? { recovered: 0, waived: 0 }
		const remainingFen = p.amountFen - t.recovered - t.waived
		const recovery = remainingFen > 0 ? (t.recovered + t.waived > 0 ? 'partial' : 'owed') : t.waived > 0 ? 'waived' : 'recovered'
		return { recovery, remainingFen }
	}
	const decision = decideMonth(
		{ birthDate, deathDate, cremated: !!cremation, resident: elder.residencyStatus === 'resident', movedOutOn: d(elder.movedOutOn), lastLivenessAt: d(elder.lastLivenessAt) },
		month,
		settingsForMonth(versions, month),
	)
	return {
		elder: {
			id: elder.id,
			name: elder.name,
			idNumberMasked: elder.idNumberMasked,
			lastLivenessAt: d(elder.lastLivenessAt),
			districtId: elder.districtId,
			bankCardRef: elder.bankCardRef,
			bankName: elder.bankName,
			bankAccountHolder: elder.bankAccountHolder,
			// A card recorded before cards were held in full: only its mask is known, it must be entered again.
			cardNeedsReentry: !!elder.bankCardRef && !elder.bankCardCipher,
			cardMissing: !elder.bankCardCipher,
			office: elder.community,
		},
		month,
		decision,
		firstEligibleMonth: firstEligibleMonth(birthDate),
		// Payments of runs not yet approved are shown as "being prepared", never as money on its way;
		// 已发放 (paid) only once the bank confirmed it (or did not return it in time), never on export.
		payments: payments.map((p) => ({ month: p.month, kind: p.kind, tier: p.tier, amountFen: p.amountFen, status: familyStatus(p.status, p.run.status), ...recoveryOf(p) })),
		stops: stops,
		certifications: certs.map((c) => ({ certifiedOn: toDateString(c.certifiedOn), method: c.method })),
		canCertify: (LIVENESS_ROLES as readonly string[]).includes(user.role) && canActInDistrict(user, elder.districtId),
		canRecordCard: mayRecordCard(user, elder.districtId),
	}
}

function familyStatus(status: string, runStatus: string) {
	if (status === 'held_no_account' || status === 'returned' || status === 'failed') return status === 'failed' ? 'returned' : status
	if (runStatus === 'computing' || runStatus === 'awaiting_approval') return 'preparing'
	if (runStatus === 'approved') return 'approved'
	return status
}

/** The family's elders, each with this month's allowance status. */
export async function familyAllowances(user: SessionUser) {
	const elders = await prisma.elder.findMany({ where: elderScope(user), orderBy: { birthDate: 'asc' }, take: 50, select: { id: true } })
	const out = []
	for (const e of elders) {
		const a = await elderAllowance(user, e.id)
		if (a) out.push({ ...a, payments: a.payments.slice(0, 6) })
	}
	return out
}

/** Elders aged 80+ in the officer's scope whose certification is oldest (or missing) first. */
export async function livenessDue(user: SessionUser, opts: { page: number }) {
	const pageSize = 30
	const cutoff = `${Number(shanghaiDate().slice(0, 4)) - 80}${shanghaiDate().slice(4)}`
	const rows = await prisma.elder.findMany({
		where: { AND: [elderScope(user), { birthDate: { lte: new Date(`${cutoff}T00:00:00Z`) }, deathDate: null, residencyStatus: 'resident' }] },
		orderBy: [{ lastLivenessAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
		...pageWindow(opts.page, pageSize),
		select: { id: true, name: true, idNumberMasked: true, lastLivenessAt: true, community: { select: { nameZh: true } } },
	})
	return { hasMore: rows.length > pageSize, elders: rows.slice(0, pageSize).map((r) => ({ ...r, lastLivenessAt: d(r.lastLivenessAt) })) }
}

export async function recordLiveness(user: SessionUser, elderId: string, input: z.infer<ReturnType<typeof livenessSchema>>, ip: string | null) {
	if (!(LIVENESS_ROLES as readonly string[]).includes(user.role)) return { ok: false as const, status: 403, fieldErrors: {} as Record<string, string[]> }
	if (!z.uuid().safeParse(elderId).success) return { ok: false as const, status: 404, fieldErrors: {} as Record<string, string[]> }
	const elder = await prisma.elder.findFirst({ where: { AND: [{ id: elderId }, elderScope(user)] }, select: { id: true, districtId: true, birthDate: true, deathDate: true } })
	if (!elder || !canActInDistrict(user, elder.districtId)) return { ok: false as const, status: 404, fieldErrors: {} as Record<string, string[]> }
	if (elder.deathDate && input.certifiedOn > toDateString(elder.deathDate)) return { ok: false as const, status: 400, fieldErrors: { certifiedOn: ['allowance:errors.date.afterDeath'] } as Record<string, string[]> }
	if (input.certifiedOn < toDateString(elder.birthDate)) return { ok: false as const, status: 400, fieldErrors: { certifiedOn: ['allowance:errors.date.invalid'] } as Record<string, string[]> }
	await transaction(async (tx) => {
		await tx.livenessCertification.create({ data: { elderId, certifiedOn: new Date(`${input.certifiedOn}T00:00:00Z`), method: input.method, recordedById: user.id } })
		// Only ever moves forward: recording an older certification never shortens the window.
		await sql`UPDATE elder SET "lastLivenessAt" = GREATEST(COALESCE("lastLivenessAt", ${input.certifiedOn}::date), ${input.certifiedOn}::date), "updatedAt" = now() WHERE id = ${elderId}::uuid`.run(tx)
		await audit({ actor: user, action: 'allowance.liveness_record', entityType: 'elder', entityId: elderId, districtId: elder.districtId, details: { certifiedOn: input.certifiedOn, method: input.method }, ip }, tx)
	})
	return { ok: true as const }
}

const CREMATION_COLUMNS = ['身份证号', '姓名', '死亡日期'] as const

function realDate(v: string): string | null {
	const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(v.trim())
	if (!m) return null
	const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
	const t = Date.parse(`${iso}T00:00:00Z`)
	return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso ? null : iso
}

/**
 * Imports a cremation file (身份证号, 姓名, 死亡日期[, 火化日期]). Every line is judged first;
 * then the matched ones are applied in one transaction, so the file is never half-applied.
 */
export async function importCremationRecords(user: SessionUser, file: File | CsvFile | null, ip: string | null) {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	const parsed = await parseCsvUpload(file, CREMATION_COLUMNS)
	if (!parsed.ok) return fail(parsed.error, 400)
	const today = shanghaiDate()
	const lines: LineReport[] = []
	const seen = new Map<string, number>()
	const candidates: { line: number; hash: Uint8Array<ArrayBuffer>; name: string; deathDate: string; crematedOn: string | null }[] = []
	for (const { line, fields } of parsed.rows) {
		const id = parseIdNumber(fields['身份证号'] ?? '', { today })
		if (!id.ok) {
			lines.push({ line, outcome: 'rejected', reason: `allowance:import.reason.idNumber.${id.problem}` })
			continue
		}
		const deathDate = realDate(fields['死亡日期'] ?? '')
		const cremationRaw = (fields['火化日期'] ?? '').trim()
		const crematedOn = cremationRaw ? realDate(cremationRaw) : null
		if (!deathDate || (cremationRaw && !crematedOn)) lines.push({ line, outcome: 'rejected', reason: 'allowance:import.reason.badDate' })
		else if (deathDate > today || (crematedOn && crematedOn > today)) lines.push({ line, outcome: 'rejected', reason: 'allowance:import.reason.futureDate' })
		else if (deathDate < id.birthDate) lines.push({ line, outcome: 'rejected', reason: 'allowance:import.reason.deathBeforeBirth' })
		else if (crematedOn && crematedOn < deathDate) lines.push({ line, outcome: 'rejected', reason: 'allowance:import.reason.cremationBeforeDeath' })
		else if (seen.has(id.value)) lines.push({ line, outcome: 'rejected', reason: 'allowance:import.reason.duplicateInFile', detail: String(seen.get(id.value)) })
		else {
			seen.set(id.value, line)
			candidates.push({ line, hash: hashIdNumber(id.value), name: (fields['姓名'] ?? '').trim(), deathDate, crematedOn })
		}
	}
	const importId = crypto.randomUUID()
	const lineCount = parsed.rows.length
	let applied: { count: number; lines: LineReport[] }
	try {
		applied = await transaction(async (tx) => {
			const out: LineReport[] = []
			const elders = await tx.elder.findMany({
				where: { idNumberHash: { in: candidates.map((c) => c.hash) } },
				select: { id: true, name: true, idNumberHash: true, districtId: true },
			})
			const recorded = new Set((await tx.cremationRecord.findMany({ where: { elderId: { in: elders.map((e) => e.id) } }, select: { elderId: true } })).map((r) => r.elderId))
			const byHash = new Map(elders.map((e) => [Buffer.from(e.idNumberHash).toString('hex'), e]))
			let count = 0
			for (const c of candidates) {
				const elder = byHash.get(Buffer.from(c.hash).toString('hex'))
				if (!elder) out.push({ line: c.line, outcome: 'unmatched', reason: 'allowance:import.reason.unknownPerson' })
				else if (c.name && c.name !== elder.name) out.push({ line: c.line, outcome: 'rejected', reason: 'allowance:import.reason.nameMismatch' })
				else if (recorded.has(elder.id)) out.push({ line: c.line, outcome: 'rejected', reason: 'allowance:import.reason.alreadyRecorded' })
				else {
					await tx.cremationRecord.create({ data: { elderId: elder.id, deathDate: new Date(`${c.deathDate}T00:00:00Z`), crematedOn: c.crematedOn ? new Date(`${c.crematedOn}T00:00:00Z`) : null, importId, importedById: user.id } })
					// The registry learns the death as a life event (applied once, audited, on the elder's timeline).
					await recordDeathFromCremation(tx, { elderId: elder.id, on: c.deathDate, importId, actor: user })
					out.push({ line: c.line, outcome: 'matched' })
					count++
				}
			}
			await audit({ actor: user, action: 'allowance.cremation_import', entityType: 'cremation_import', entityId: importId, details: { lines: lineCount, matched: count }, ip }, tx)
			return { count, lines: out }
		})
	} catch (error) {
		// Another import recorded one of these people at the same moment: nothing of this one applied.
		const refused = refusalOf(error)
		if (refused) return refused
		throw error
	}
	const matched = applied.count
	lines.push(...applied.lines)
	lines.sort((a, b) => a.line - b.line)
	return { ok: true as const, value: { lines, matched, unmatched: lines.filter((l) => l.outcome === 'unmatched').length, rejected: lines.filter((l) => l.outcome === 'rejected').length } }
}
