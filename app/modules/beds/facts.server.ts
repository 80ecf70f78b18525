// Institution facts (issue 14 item 2): ownership and operation (公办公营, 公建民营, 公办民营, 民办),
// the filing (备案) number and date, the facility kind (including 农村特困供养服务机构 / 敬老院) and the
// places for 特困 residents in concentrated support. The institution edits them; the bureau reads
// them, and Table 2's row 4 (农村五保供养服务机构集中供养能力) is measured from them.
import { z } from 'zod'
import { InstitutionFacilityKind, InstitutionOwnership } from '~/generated/prisma/enums.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { InstitutionStaff } from './access.server.ts'

export { FACILITY_KINDS, OWNERSHIPS } from './facts.ts'

const E = (k: string) => `beds:facts.errors.${k}`
export const factsSchema = z.object({
	ownership: z.enum(InstitutionOwnership, { error: E('ownership') }),
	facilityKind: z.enum(InstitutionFacilityKind, { error: E('facilityKind') }),
	filingNo: z.string().trim().max(64, E('filingNo')).optional(),
	filingDate: z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}$/, E('filingDate'))
		.optional(),
	tekunCapacity: z.coerce
		.number({ error: E('tekunCapacity') })
		.int(E('tekunCapacity'))
		.min(0, E('tekunCapacity'))
		.max(5000, E('tekunCapacity')),
})
export type FactsInput = z.infer<typeof factsSchema>

// The facts an institution files, as its own page and the bureau's list read them.
const factsSelect = { ownership: true, facilityKind: true, filingNo: true, filingDate: true, tekunCapacity: true } as const

export async function getFacts(providerId: string) {
	const f = await prisma.institutionFacts.findUnique({
		where: { providerId },
		select: { ...factsSelect, updatedAt: true },
	})
	return (
		f && {
			...f,
			filingDate: f.filingDate ? toDateString(f.filingDate) : null,
			updatedAt: f.updatedAt.toISOString(),
		}
	)
}

/** The institution saves its facts (one row, upserted). Audited. */
export async function saveFacts(staff: InstitutionStaff, input: FactsInput, ip: string | null = null): Promise<Outcome<null>> {
	const data = {
		ownership: input.ownership,
		facilityKind: input.facilityKind,
		filingNo: input.filingNo || null,
		filingDate: input.filingDate ? dateOnly(input.filingDate) : null,
		tekunCapacity: input.tekunCapacity,
		updatedById: staff.id,
		updatedAt: new Date(),
	}
	try {
		await transaction(async (tx) => {
			await tx.institutionFacts.upsert({
				where: { providerId: staff.providerId },
				create: { providerId: staff.providerId, ...data },
				update: data,
				select: { providerId: true },
			})
			await audit(
				{
					actor: staff,
					action: 'institution.facts_save',
					entityType: 'provider',
					entityId: staff.providerId,
					districtId: staff.districtId,
					ip,
					details: { ...input },
				},
				tx
			)
		})
		return ok(null)
	} catch (error) {
		return failureOf(error)
	}
}

/** The bureau's list: institutions in the officer's scope with their facts (null: not yet filled in). */
export async function listInstitutionFacts(user: SessionUser) {
	const where = isCityWide(user) ? { kind: 'institution' as const } : { kind: 'institution' as const, districtId: user.districtId ?? '-' }
	const rows = await prisma.provider.findMany({
		where,
		orderBy: [{ districtId: 'asc' }, { name: 'asc' }],
		take: 500,
		select: {
			id: true,
			name: true,
			districtId: true,
			status: true,
			facts: { select: factsSelect },
		},
	})
	return rows.map((r) => ({
		...r,
		facts: r.facts && {
			...r.facts,
			filingDate: r.facts.filingDate ? toDateString(r.facts.filingDate) : null,
		},
	}))
}

/**
 * Table 2 row 4 (农村五保供养服务机构集中供养能力): the places for 特困 persons at approved rural 特困
 * institutions against the 特困 elders (status in force today) who chose concentrated support, in the
 * district or the city; how many of them are admitted there is shown beside it.
 */
export async function tekunConcentratedSupport(districtId: string | null, today = shanghaiDate()): Promise<{ capacity: number; residents: number; admitted: number; ratio: number | null }> {
	const row = await sql`
		WITH inst AS (
			SELECT p.id, f."tekunCapacity" FROM provider p JOIN institution_facts f ON f."providerId" = p.id
			WHERE p.kind = 'institution' AND p.status = 'approved' AND f."facilityKind" = 'rural_tekun_support'
			  AND (${districtId}::text IS NULL OR p."districtId" = ${districtId}::text)
		), chose AS (
			SELECT DISTINCT s."elderId" FROM elder_status s JOIN elder e ON e.id = s."elderId"
			WHERE s.kind = 'tekun' AND s."supportMode" = 'concentrated' AND s."validFrom" <= ${today}::date AND (s."validUntil" IS NULL OR s."validUntil" >= ${today}::date)
			  AND e."deathDate" IS NULL AND (${districtId}::text IS NULL OR e."districtId" = ${districtId}::text)
		)
		SELECT (SELECT coalesce(sum("tekunCapacity"), 0)::int FROM inst) AS capacity,
		       (SELECT count(*)::int FROM chose) AS residents,
		       (SELECT count(DISTINCT a."elderId")::int FROM admission a JOIN inst ON inst.id = a."providerId" JOIN chose c ON c."elderId" = a."elderId" WHERE a."dischargedOn" IS NULL) AS admitted`.first<{
		capacity: number
		residents: number
		admitted: number
	}>()
	const capacity = row?.capacity ?? 0
	const residents = row?.residents ?? 0
	return { capacity, residents, admitted: row?.admitted ?? 0, ratio: residents > 0 ? capacity / residents : null }
}
