import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FilterSelect } from '~/components/filter-select.tsx'
import { CommunityLimit, Stars } from '~/components/marketplace.tsx'
import { BookLink, NextSlots } from '~/components/offering-booking.tsx'
import { Pager } from '~/components/pager.tsx'
import { Money } from '~/components/ui.tsx'
import { isRefused } from '~/lib/http.server.ts'
import { getSessionUser } from '~/modules/auth/session.server.ts'
import { ALL_CATEGORIES, PROVIDER_KINDS } from '~/modules/marketplace/categories.ts'
import { searchSchema } from '~/modules/marketplace/schemas.server.ts'
import { SORTS } from '~/modules/marketplace/sorts.ts'
import { searchPage } from '~/modules/marketplace/search-cache.server.ts'
import { familyHomeDistrict, PAGE_SIZE } from '~/modules/marketplace/search.server.ts'

// Rendered once per distinct loader data, then reused (app/lib/document-cache.server.ts): the render
// was most of this page's CPU.
export const handle = { documentCache: true }

// Anyone may browse (a way in for families not yet registered); booking asks for sign-in.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await getSessionUser(request)
	const url = new URL(request.url)
	// A family's first search starts in its elder's district; choosing 「不限」 keeps the whole city.
	if (user?.role === 'family' && url.search === '' && !isRefused(request)) {
		const district = await familyHomeDistrict(user.id)
		if (district) throw redirect(`/services?district=${encodeURIComponent(district)}`)
	}
	const params = searchSchema.parse(Object.fromEntries(url.searchParams))
	const { results, places } = await searchPage(params)
	// Only what the form shows: the districts, and the communities of the chosen one (the city has
	// about 1,500 communities; sending them all made every results page carry them in its data).
	const districts = places.map(({ id, nameZh, nameEn }) => ({ id, nameZh, nameEn }))
	const communities = (places.find((d) => d.id === params.district)?.communities ?? []).map(({ id, nameZh, nameEn }) => ({ id, nameZh, nameEn }))
	// Computed here: PAGE_SIZE lives in a server module, which the browser bundle does not have.
	return { ...results, hasMore: params.page * PAGE_SIZE < results.total, params, districts, communities, canBook: !user || user.role === 'family', signedIn: Boolean(user) }
}

export default function Services() {
	const { hits, total, hasMore, params, districts, communities, canBook, signedIn } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	const link = (page: number) => {
		const sp = new URLSearchParams()
		for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && k !== 'page') sp.set(k, String(v))
		sp.set('page', String(page))
		return `?${sp}`
	}
	return (
		<section>
			<h1>{t('search.title')}</h1>
			<Form method="get" className="grid-form" role="search" aria-label={t('search.title')}>
				<div className="field">
					<label htmlFor="q">{t('search.q')}</label>
					<input id="q" name="q" type="search" defaultValue={params.q} placeholder={t('search.qPlaceholder')} />
				</div>
				<FilterSelect name="district" label={t('search.district')} anyLabel={t('search.any')} value={params.district} options={districts.map((d) => ({ value: d.id, label: zh ? d.nameZh : d.nameEn }))} />
				<FilterSelect name="community" label={t('search.community')} anyLabel={t('search.any')} value={params.community} options={communities.map((c) => ({ value: c.id, label: zh ? c.nameZh : c.nameEn ?? c.nameZh }))} />
				<FilterSelect name="kind" label={t('search.kind')} anyLabel={t('search.any')} value={params.kind} options={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
				<FilterSelect name="category" label={t('search.category')} anyLabel={t('search.any')} value={params.category} options={ALL_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
				<div className="field">
					<label htmlFor="date">{t('search.date')}</label>
					<input id="date" name="date" type="date" defaultValue={params.date ?? ''} />
				</div>
				<div className="field">
					<label htmlFor="minPrice">{t('search.minPrice')}</label>
					<input id="minPrice" name="minPrice" type="number" min={0} inputMode="numeric" defaultValue={params.minPrice ?? ''} />
				</div>
				<div className="field">
					<label htmlFor="maxPrice">{t('search.maxPrice')}</label>
					<input id="maxPrice" name="maxPrice" type="number" min={0} inputMode="numeric" defaultValue={params.maxPrice ?? ''} />
				</div>
				<FilterSelect name="minGrade" label={t('search.minGrade')} anyLabel={t('search.any')} value={params.minGrade} options={[1, 2, 3, 4, 5].map((g) => ({ value: g, label: t('grade.atLeast', { count: g }) }))} />
				<FilterSelect name="minRating" label={t('search.minRating')} anyLabel={t('search.any')} value={params.minRating} options={[3, 4, 4.5].map((r) => ({ value: r, label: t('rating.atLeast', { value: r }) }))} />
				<FilterSelect name="sort" label={t('search.sort')} value={params.sort} options={SORTS.map((s) => ({ value: s, label: t(`search.sorts.${s}`) }))} />
				<button type="submit" className="button big">
					{t('search.submit')}
				</button>
			</Form>
			<p role="status">{t('search.count', { count: total })}</p>
			<ul className="cards" data-testid="results">
				{hits.map((h) => (
					<li key={h.id} className="card">
						<h2>{h.title}</h2>
						<p>
							<Link to={`/services/providers/${h.providerId}`}>{h.providerName}</Link> · {t(`category.${h.category}`)} · {h.grade ? t('grade.stars', { count: h.grade }) : t('grade.none')} ·{' '}
							<Stars value={h.rating} /> ({t('rating.count', { count: h.ratingCount })})
						</p>
						<CommunityLimit communities={h.communities} />
						<p>{h.description}</p>
						<p>
							<strong>
								<Money fen={h.priceFen} />
							</strong>{' '}
							{t(`unit.${h.unit}`)} · {t('unit.duration', { minutes: h.durationMinutes })}
						</p>
						<NextSlots slots={h.nextSlots} />
						{canBook ? (
							<BookLink offeringId={h.id} signedIn={signedIn} />
						) : null}
					</li>
				))}
			</ul>
			<Pager page={params.page} hasMore={hasMore} href={link} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
