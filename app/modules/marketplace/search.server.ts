// Family search over approved providers' active offerings: district and community served,
// category, date (the schedule has slots that day), price, grade, rating, and Chinese text by
// pg_trgm (LIKE/ILIKE over a trigram GIN index, ranked by similarity); each result carries its next
// free slots. The provider page shows offerings, grade, rating and reviews.
import { z } from 'zod'
import { prisma } from '~/lib/db.server.ts'
import { sql, type Sql } from '~/lib/sql.server.ts'
import { addDays, fromShanghai, shanghaiDate } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { nextSlotsFor, SLOT_WINDOW_DAYS } from './booking-slots.server.ts'
import { communityNames } from './catalogue.server.ts'
import { isoWeekday, nextFreeSlots, type Rule } from './schedule.ts'
import type { SearchParams } from './schemas.ts'

export const PAGE_SIZE = 20

export type SearchHit = {
	id: string
	title: string
	description: string
	category: string
	priceFen: number
	unit: string
	durationMinutes: number
	providerId: string
	providerName: string
	grade: number | null
	ratingCount: number
	rating: number | null
	nextSlots: string[]
	/** Communities the offering is limited to (empty: its whole districts). */
	communities: { nameZh: string; nameEn: string | null }[]
}

function escapeLike(q: string) {
	return q.replace(/[\\%_]/g, (c) => `\\${c}`)
}

export async function searchOfferings(params: SearchParams, now = new Date()): Promise<{ total: number; hits: SearchHit[] }> {
	const where: Sql[] = [sql`o.active`, sql`p.status = 'approved'`]
	if (params.district) where.push(sql`o."districtIds" @> ARRAY[${params.district}]::text[]`)
	if (params.community) where.push(sql`(cardinality(o."communityIds") = 0 OR ${params.community} = ANY(o."communityIds"))`)
	if (params.category) where.push(sql`o.category = ${params.category}::"ServiceCategory"`)
	if (params.kind) where.push(sql`p.kind = ${params.kind}::"ProviderKind"`)
	if (params.minPrice !== undefined) where.push(sql`o."priceFen" >= ${params.minPrice * 100}`)
	if (params.maxPrice !== undefined) where.push(sql`o."priceFen" <= ${params.maxPrice * 100}`)
	if (params.minGrade !== undefined) where.push(sql`p.grade >= ${params.minGrade}`)
	if (params.minRating !== undefined) where.push(sql`pp."ratingCount" > 0 AND pp."ratingSum" >= ${params.minRating}::numeric * pp."ratingCount"`)
	const q = params.q.trim()
	// Chinese has no letter case: when the words typed have none, LIKE finds exactly what ILIKE
	// finds, without lower-casing every title and description (ILIKE was 3 times slower here).
	const matches = q.toLowerCase() === q.toUpperCase() ? sql`LIKE` : sql`ILIKE`
	const like = `%${escapeLike(q)}%`
	if (q) where.push(sql`((o.title || ' ' || o.description) ${matches} ${like} OR p.name ${matches} ${like})`)
	if (params.date) {
		where.push(sql`EXISTS (SELECT 1 FROM availability_rule r WHERE r."offeringId" = o.id AND r.weekday = ${isoWeekday(params.date)})`)
		// Not closed that day, for the whole provider or for this offering. NOT IN over the day's few
		// exceptions is hashed once (both columns are NOT NULL here, so it means NOT EXISTS); a
		// correlated NOT EXISTS re-scanned the exception table for every offering (half the
		// statement's CPU on the benchmark's date search).
		where.push(sql`p.id NOT IN (SELECT e."providerId" FROM availability_exception e WHERE e.date = ${params.date}::date AND e."offeringId" IS NULL)`)
		where.push(sql`(o.id, p.id) NOT IN (SELECT e."offeringId", e."providerId" FROM availability_exception e WHERE e.date = ${params.date}::date AND e."offeringId" IS NOT NULL)`)
	}
	const rating = sql`CASE WHEN pp."ratingCount" > 0 THEN pp."ratingSum"::float / pp."ratingCount" ELSE 0 END`
	// Sort keys (the offering id breaks ties), selected as k0, k1, … so that the page is taken with
	// ORDER BY … LIMIT (a top-N sort) and kept in that order after the joins below.
	const keys: [Sql, string][] =
		params.sort === 'price_asc'
			? [[sql`o."priceFen"`, 'ASC']]
			: params.sort === 'price_desc'
				? [[sql`o."priceFen"`, 'DESC']]
				: params.sort === 'rating'
					? [[rating, 'DESC']]
					: params.sort === 'grade'
						? [[sql`p.grade`, 'DESC NULLS LAST']]
						: q
							? [[sql`o.title ${matches} ${like}`, 'DESC'], [sql`similarity(o.title || ' ' || o.description, ${q})`, 'DESC'], [rating, 'DESC']]
							: [[sql`p.grade`, 'DESC NULLS LAST'], [rating, 'DESC']]
	const keyColumns = sql.join(keys.map(([expr], i) => sql`${expr} AS ${sql.raw(`k${i}`)}`))
	const orderBy = (table: string) => sql.raw([...keys.map(([, dir], i) => `${table}k${i} ${dir}`), `${table}id`].join(', '))
	const from = params.date && params.date > shanghaiDate(now) ? fromShanghai(params.date) : now
	const firstDate = shanghaiDate(from)
	const lastDate = addDays(firstDate, SLOT_WINDOW_DAYS)
	const until = fromShanghai(lastDate)
	// One round trip: the page (ids, sort keys and the total only, so that counting and sorting
	// every match handles narrow rows), then for those 20 the offering and provider, their
	// schedules, closed dates and full slots, from which the next free slots are computed here.
	// Before, row_number() OVER (ORDER BY …) over every match sorted all of them fully, twice as
	// wide: the statement cost 8.7 ms of PostgreSQL CPU per search on the benchmark's mix, now 4.7.
	const rows = await sql`
		WITH page AS (
			SELECT o.id, count(*) OVER ()::int AS total, ${keyColumns}
			FROM offering o
			JOIN provider p ON p.id = o."providerId"
			LEFT JOIN provider_profile pp ON pp."providerId" = p.id
			WHERE ${sql.join(where, ' AND ')}
			ORDER BY ${orderBy('')}
			LIMIT ${PAGE_SIZE} OFFSET ${(params.page - 1) * PAGE_SIZE}
		), hits AS (
			SELECT o.id, o.title, o.description, o.category::text AS category, o."priceFen", o.unit::text AS unit, o."durationMinutes",
			       o."communityIds", p.id AS "providerId", p.name AS "providerName", p.kind::text AS "providerKind", p.grade,
			       COALESCE(pp."ratingCount", 0) AS "ratingCount", COALESCE(pp."ratingSum", 0) AS "ratingSum", page.total, ${sql.raw(keys.map((_, i) => `page.k${i}`).join(', '))}
			FROM page
			JOIN offering o ON o.id = page.id
			JOIN provider p ON p.id = o."providerId"
			LEFT JOIN provider_profile pp ON pp."providerId" = p.id
		)
		SELECT h.id, h.title, h.description, h.category, h."priceFen", h.unit, h."durationMinutes", h."providerId", h."providerName", h."providerKind", h.grade,
			h."ratingCount", h."ratingSum", h.total,
			(SELECT json_agg(json_build_object('nameZh', c."nameZh", 'nameEn', c."nameEn") ORDER BY c."nameZh")
			   FROM community c WHERE c.id = ANY(h."communityIds"::uuid[])) AS communities,
			(SELECT json_agg(json_build_object('weekday', r.weekday, 'startMinute', r."startMinute", 'endMinute', r."endMinute", 'capacity', r.capacity))
			   FROM availability_rule r WHERE r."offeringId" = h.id) AS rules,
			(SELECT json_agg(x.date::text) FROM availability_exception x
			   WHERE x."providerId" = h."providerId" AND (x."offeringId" IS NULL OR x."offeringId" = h.id) AND x.date BETWEEN ${firstDate}::date AND ${lastDate}::date) AS closed,
			(SELECT json_agg(s."startsAt") FROM slot s
			   WHERE s."offeringId" = h.id AND s."startsAt" >= ${from} AND s."startsAt" < ${until}
			     AND NOT EXISTS (SELECT 1 FROM slot_place sp WHERE sp."slotId" = s.id AND sp."bookingId" IS NULL)) AS full
		FROM hits h
		ORDER BY ${orderBy('h.')}`
		// Planning it cost about as much as running it (EXPLAIN: 0.8–1.0 ms each); a text per filter combination.
		.prepared()
		.rows<Omit<SearchHit, 'nextSlots' | 'rating' | 'communities'> & { communities: SearchHit['communities'] | null; ratingSum: number; total: number; rules: Rule[] | null; closed: string[] | null; full: string[] | null }>()
	return {
		total: rows[0]?.total ?? 0,
		hits: rows.map(({ ratingSum, total: _t, rules, closed, full, communities, ...r }) => ({
			...r,
			communities: communities ?? [],
			rating: r.ratingCount > 0 ? Math.round((ratingSum / r.ratingCount) * 10) / 10 : null,
			nextSlots: nextFreeSlots({
				from,
				days: SLOT_WINDOW_DAYS,
				count: 3,
				rules: rules ?? [],
				durationMinutes: r.durationMinutes,
				closedDates: new Set(closed ?? []),
				full: new Set((full ?? []).map((f) => new Date(f).toISOString())),
			}).map((slot) => slot.startsAt.toISOString()),
		})),
	}
}

/** Whether a provider exists and is suspended (its page then says so instead of "not found"). */
export async function isProviderSuspended(providerId: string) {
	if (!z.uuid().safeParse(providerId).success) return false
	return (await prisma.provider.count({ where: { id: providerId, status: 'suspended' } })) > 0
}

/** A provider's public page: approved providers for everyone; staff and the bureau also see others. */
export async function getProviderPage(user: SessionUser | null, providerId: string) {
	if (!z.uuid().safeParse(providerId).success) return null
	const privileged = user && ((user.role === 'provider_staff' && user.providerId === providerId) || ['bureau_district', 'bureau_city', 'admin'].includes(user.role))
	const provider = await prisma.provider.findFirst({
		where: { id: providerId, ...(privileged ? {} : { status: 'approved' }) },
		select: {
			id: true,
			name: true,
			kind: true,
			address: true,
			phone: true,
			description: true,
			status: true,
			grade: true,
			gradedAt: true,
			district: { select: { nameZh: true, nameEn: true } },
			districtsServed: { select: { district: { select: { id: true, nameZh: true, nameEn: true } } } },
			profile: { select: { ratingCount: true, ratingSum: true, freeCancelHours: true, lateCancelFeePercent: true, autoConfirm: true } },
			offerings: {
				where: { active: true },
				orderBy: [{ category: 'asc' }, { priceFen: 'asc' }],
				select: { id: true, title: true, description: true, category: true, priceFen: true, unit: true, durationMinutes: true, providerId: true, communityIds: true },
			},
			reviews: { orderBy: { createdAt: 'desc' }, take: 20, select: { id: true, rating: true, comment: true, reply: true, repliedAt: true, createdAt: true } },
		},
	})
	if (!provider) return null
	const [slots, names] = await Promise.all([nextSlotsFor(provider.offerings, new Date(), 3), communityNames(provider.offerings.flatMap((o) => o.communityIds))])
	const count = provider.profile?.ratingCount ?? 0
	return {
		...provider,
		suspended: false as const,
		rating: count > 0 ? Math.round(((provider.profile?.ratingSum ?? 0) / count) * 10) / 10 : null,
		ratingCount: count,
		offerings: provider.offerings.map(({ communityIds, ...o }) => ({ ...o, nextSlots: slots.get(o.id) ?? [], communities: communityIds.flatMap((id) => names.get(id) ?? []) })),
	}
}

/** Where a family's search starts: the district of the elder it linked first, if any. */
export async function familyHomeDistrict(userId: string): Promise<string | null> {
	const link = await prisma.familyLink.findFirst({ where: { userId }, orderBy: { createdAt: 'asc' }, select: { elder: { select: { districtId: true } } } })
	return link?.elder.districtId ?? null
}
