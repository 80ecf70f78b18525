// Operating subsidy test data: an approved institution of one's own (with a grade), stays written
// straight as admission rows with the dates a test needs, assessments and 特困 statuses in force on
// chosen days. Nothing here goes through the admission pages: the computation reads the records.
import { randomUUID } from 'node:crypto'
import { prisma } from '~/lib/db.server.ts'
import type { CapabilityLevel } from '~/generated/prisma/enums.ts'
import { dateOnly } from '~/lib/time.ts'
import { makeRoomWithBeds } from './beds.ts'

export async function makeInstitution(opts: { grade?: number | null; districtId?: string; name?: string } = {}) {
	const provider = await prisma.provider.create({
		data: { name: opts.name ?? `运营补贴测试院${randomUUID().slice(0, 4)}`, kind: 'institution', licenceNo: `OP-${randomUUID()}`, districtId: opts.districtId ?? 'dongbao', status: 'approved', grade: opts.grade ?? null },
		select: { id: true },
	})
	const { bedIds } = await makeRoomWithBeds(provider.id, 8)
	return { providerId: provider.id, bedIds }
}

/** A stay [from, to) in a bed; `to` null: still there. */
export async function stay(providerId: string, bedId: string, elderId: string, from: string, to: string | null, opts: { transferredFromId?: string } = {}) {
	const a = await prisma.admission.create({
		data: { providerId, bedId, elderId, admittedOn: dateOnly(from), dischargedOn: to ? dateOnly(to) : null, endReason: to ? 'discharged' : null, transferredFromId: opts.transferredFromId ?? null },
		select: { id: true },
	})
	return a.id
}

/** An assessment of `level`, in force from `on` through `until`. */
export async function assessed(elderId: string, level: CapabilityLevel, on: string, until: string) {
	await prisma.capabilityAssessment.create({ data: { elderId, assessedOn: dateOnly(on), validUntil: dateOnly(until), baseLevel: level, level, source: 'test' } })
}

/** A 特困供养 status counting from `from` (through `until`, inclusive, or open). */
export async function tekunStatus(elderId: string, from: string, until: string | null = null) {
	await prisma.elderStatus.create({ data: { elderId, kind: 'tekun', validFrom: dateOnly(from), validUntil: until ? dateOnly(until) : null, source: 'test' } })
}
