import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CardSection } from '~/components/card-section.tsx'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Money } from '~/components/ui.tsx'
import { formatShanghai } from '~/lib/time.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { familyOverview } from '~/modules/subsidies/applications.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family'])
	return familyOverview(user)
}

export default function MySubsidies() {
	const { applications, notices, elders } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation('subsidies')
	const zh = i18n.language === 'zh-CN'
	return (
		<>
			<section className="card">
				<div className="title-row">
					<h1>{t('family.title')}</h1>
					{elders.length ? (
						<Link to="/subsidies/apply" className="button big">
							{t('family.apply')}
						</Link>
					) : null}
				</div>
				<p>{t('family.lead')}</p>
				<Cards items={applications} empty={t('family.none')} itemKey={(a) => a.id} itemProps={() => ({ 'data-testid': 'application' })}>
					{(a) => (
						<>
							<h2>
								{a.elder.name} · {zh ? a.policy.nameZh : a.policy.nameEn}
							</h2>
							<p>
								{t('fields.status')}：<strong data-testid="application-status">{t(`status.${a.status}`)}</strong>
							</p>
							<p data-testid="application-next">
								{t(`family.next.${a.status}`, {
									community: a.elder.community ? (zh ? a.elder.community.nameZh : (a.elder.community.nameEn ?? a.elder.community.nameZh)) : t('family.next.yourCommunity'),
									hours: a.elder.community?.openingHours ?? '—',
								})}
							</p>
							{a.credit ? (
								<p data-testid="credit-left">
									{t('family.creditLeft')}：<Money fen={a.credit.availableFen} />
									{a.credit.heldFen ? (
										<>
											{' '}
											（{t('family.held')} <Money fen={a.credit.heldFen} />）
										</>
									) : null}
								</p>
							) : null}
							{a.communityNote ? (
								<p>
									{t('fields.communityNote')}：{a.communityNote}
								</p>
							) : null}
							{a.bureauReason ? (
								<p>
									{t('fields.reason')}：{a.bureauReason}
								</p>
							) : null}
						</>
					)}
				</Cards>
			</section>
			<CardSection title={t('family.notices')}>
				{notices.length === 0 ? <p className="empty">{t('family.noNotices')}</p> : null}
				<ul>
					{notices.map((n) => {
						const p = n.params as Record<string, string>
						return (
							<li key={n.id} data-testid="notice">
								{formatShanghai(new Date(n.createdAt), i18n.language)} · {t(`notices.${n.kind.replace('subsidy.', '')}`, { elder: p.elder ?? '', policy: p.policy ?? '', reason: p.reason ?? p.note ?? '' })}
							</li>
						)
					})}
				</ul>
			</CardSection>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
