import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Notice } from '~/components/notice.tsx'
import { Pager } from '~/components/pager.tsx'
import { Facts } from '~/components/ui.tsx'
import { ELDER_VIEWER_ROLES, isRegistrar, requireRole } from '~/modules/auth/access.server.ts'
import { countPendingClaims, listFamilyClaims } from '~/modules/elders/claims.server.ts'
import { listElders } from '~/modules/elders/elders.server.ts'
import { countOpenRightsRequests } from '~/modules/rights/requests.server.ts'
import { When } from '~/components/marketplace.tsx'
import { pageParam } from '~/lib/query.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ELDER_VIEWER_ROLES)
	const url = new URL(request.url)
	const page = pageParam(url.searchParams)
	const unverified = url.searchParams.get('residence') === 'unverified'
	const { elders, hasMore } = await listElders(user, { page, unverified })
	const isFamily = user.role === 'family'
	const mayRegister = isRegistrar(user)
	return {
		elders,
		hasMore,
		page,
		unverified,
		isFamily,
		mayRegister,
		claimSent: url.searchParams.get('claim') === 'sent',
		claims: isFamily ? await listFamilyClaims(user) : [],
		pendingClaims: mayRegister ? await countPendingClaims(user) : 0,
		openRightsRequests: mayRegister ? await countOpenRightsRequests(user) : 0,
	}
}

export default function Elders() {
	const { elders, hasMore, page, unverified, isFamily, mayRegister, claimSent, claims, pendingClaims, openRightsRequests } = useLoaderData<typeof loader>()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	return (
		<section>
			<div className="title-row">
				<h1>{isFamily ? t('elders.myTitle') : t('elders.registryTitle')}</h1>
				{isFamily || mayRegister ? (
					<Link to="/elders/new" className="button big">
						{isFamily ? t('elders.add') : t('registry.registerTitle')}
					</Link>
				) : null}
			</div>
			{claimSent ? <Notice>{t('claims.sent')}</Notice> : null}
			{claims.length ? (
				<section aria-labelledby="my-claims">
					<h2 id="my-claims">{t('claims.mineTitle')}</h2>
					<ul className="cards">
						{claims.map((c) => (
							<li key={c.id} className="card" data-testid="my-claim">
								<h3>{c.typedName}</h3>
								<Facts
									items={[
										[t('fields.relationship'), t(`relationships.${c.relationship}`)],
										[t('claims.requestedAt'), <When key="at" at={c.createdAt} />],
										[t('claims.status'), t(`claims.statuses.${c.status}`)],
										c.status === 'refused' ? [t('claims.refusedReason'), c.reason ?? '—'] : null,
									]}
								/>
								<p>
									{c.status === 'pending'
										? c.office
											? t('claims.nextNamed', { community: zh ? c.office.nameZh : (c.office.nameEn ?? c.office.nameZh), hours: c.office.openingHours })
											: t('claims.next')
										: t('claims.nextRefused')}
								</p>
							</li>
						))}
					</ul>
				</section>
			) : null}
			{mayRegister && pendingClaims > 0 ? (
				<p className="notice">
					<Link to="/elders/claims">{t('claims.queueLink', { count: pendingClaims })}</Link>
				</p>
			) : null}
			{mayRegister && openRightsRequests > 0 ? (
				<p className="notice">
					<Link to="/registry/requests">{t('rights.queueLink', { count: openRightsRequests })}</Link>
				</p>
			) : null}
			{mayRegister ? (
				<p>
					{unverified ? <Link to="/elders">{t('registry.filter.all')}</Link> : <Link to="/elders?residence=unverified">{t('registry.filter.unverified')}</Link>}
				</p>
			) : null}
			{elders.length === 0 ? (
				<p className="empty">{isFamily ? t('elders.noneYet') : t('elders.none')}</p>
			) : (
				<ul className="cards">
					{elders.map((e) => (
						<li key={e.id} className="card">
							<h2>
								<Link to={`/elders/${e.id}`}>{e.name}</Link>
							</h2>
							<Facts
								items={[
									[t('fields.idNumber'), e.idNumberMasked, { className: 'mono', 'data-testid': 'masked-id' }],
									[t('fields.age'), t('elders.ageYears', { count: e.age })],
									[t('fields.community'), `${zh ? e.district.nameZh : e.district.nameEn} · ${e.community ? (zh ? e.community.nameZh : (e.community.nameEn ?? e.community.nameZh)) : '—'}`],
									[t('registry.fields.residenceStatus'), t(`registry.residenceStatus.${e.residenceStatus}`)],
									e.residenceStatus === 'unverified' && e.residenceNote ? [t('registry.fields.residenceNote'), e.residenceNote, { 'data-testid': 'residence-note' }] : null,
								]}
							/>
						</li>
					))}
				</ul>
			)}
			<Pager page={page} hasMore={hasMore} href={(p) => `?page=${p}${unverified ? '&residence=unverified' : ''}`} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
