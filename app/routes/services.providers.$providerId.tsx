import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { CommunityLimit, PROVIDER_SUSPENDED, ProviderSuspendedNotice, Stars, useProviderSuspendedError, When } from '~/components/marketplace.tsx'
import { BookLink, NextSlots } from '~/components/offering-booking.tsx'
import { Money } from '~/components/ui.tsx'
import { invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { getSessionUser } from '~/modules/auth/session.server.ts'
import { getProviderPage, isProviderSuspended } from '~/modules/marketplace/search.server.ts'
import { complaintCounts } from '~/modules/complaints/complaints.server.ts'
import { currentGrading } from '~/modules/institutions/grading.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await getSessionUser(request)
	const providerId = requireId(params, 'providerId')
	const provider = await getProviderPage(user, providerId)
	// A suspended provider is gone for families, with a plain word why; others stay an unknown page.
	if (!provider) invariantResponse(!(await isProviderSuspended(providerId)), PROVIDER_SUSPENDED, { status: 404 })
	// Complaint counts and outcomes, numbers only (issue 14 item 8).
	return { provider: notFoundUnless(provider), canBook: !user || user.role === 'family', signedIn: Boolean(user), complaints: await complaintCounts(providerId), grading: await currentGrading(providerId) }
}

export default function ProviderPage() {
	const { provider: p, canBook, signedIn, complaints, grading } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	return (
		<section>
			<h1>{p.name}</h1>
			{p.status !== 'approved' ? (
				<p className="form-error" data-testid="provider-status">
					{t(`providerStatus.${p.status}`)}
					{p.status === 'suspended' ? ` · ${t('suspended.staffView')}` : ''}
				</p>
			) : null}
			<dl className="facts card">
				<dt>{t('fields.kind')}</dt>
				<dd>{t(`kind.${p.kind}`)}</dd>
				<dt>{t('fields.grade')}</dt>
				<dd data-testid="grade">
					{p.grade ? t('grade.stars', { count: p.grade }) : t('grade.none')}
					{p.gradedAt ? ` (${new Date(p.gradedAt).toISOString().slice(0, 10)})` : ''}
					{/* The checklist grading behind the grade (issue 14 item 6): its score and validity. */}
					{grading ? (
						<span data-testid="grade-validity">
							{' · '}
							{t(grading.expired ? 'grade.expired' : 'grade.validUntil', { date: grading.validUntil, score: grading.score })}
						</span>
					) : null}
				</dd>
				<dt>{t('rating.title')}</dt>
				<dd data-testid="rating">
					<Stars value={p.rating} /> ({t('rating.count', { count: p.ratingCount })})
				</dd>
				<dt>{t('complaints.public.title')}</dt>
				<dd data-testid="complaint-counts">
					{t('complaints.public.counts', { total: complaints.total, open: complaints.open, upheld: complaints.upheld, partlyUpheld: complaints.partlyUpheld, notUpheld: complaints.notUpheld })}
				</dd>
				<dt>{t('fields.districtsServed')}</dt>
				<dd>{p.districtsServed.map((d) => (zh ? d.district.nameZh : d.district.nameEn)).join('、')}</dd>
				<dt>{t('fields.address')}</dt>
				<dd>{p.address ?? '—'}</dd>
				<dt>{t('fields.providerPhone')}</dt>
				<dd>{p.phone ?? '—'}</dd>
			</dl>
			{p.description ? <p>{p.description}</p> : null}
			<h2>{t('catalogue.title')}</h2>
			<ul className="cards">
				{p.offerings.map((o) => (
					<li key={o.id} className="card">
						<h3>{o.title}</h3>
						<p>
							{t(`category.${o.category}`)} · <Money fen={o.priceFen} /> {t(`unit.${o.unit}`)} · {t('unit.duration', { minutes: o.durationMinutes })}
						</p>
						<CommunityLimit communities={o.communities} />
						<p>{o.description}</p>
						<NextSlots slots={o.nextSlots} />
						{canBook && p.status === 'approved' ? (
							<BookLink offeringId={o.id} signedIn={signedIn} />
						) : null}
					</li>
				))}
			</ul>
			<h2>{t('review.listTitle')}</h2>
			<Cards items={p.reviews} empty={t('review.none')} itemKey={(r) => r.id}>
				{(r) => (
					<>
						<p>
							{t('review.stars', { count: r.rating })} · <When at={r.createdAt} />
						</p>
						<p>{r.comment}</p>
						{r.reply ? <p>{t('review.reply', { reply: r.reply })}</p> : null}
					</>
				)}
			</Cards>
		</section>
	)
}

export function ErrorBoundary() {
	return useProviderSuspendedError() ? <ProviderSuspendedNotice /> : <GeneralErrorBoundary />
}
