import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Pager } from '~/components/pager.tsx'
import { Facts } from '~/components/ui.tsx'
import { ELDER_VIEWER_ROLES, isRegistrar, requireRole } from '~/modules/auth/access.server.ts'
import { listElders } from '~/modules/elders/elders.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ELDER_VIEWER_ROLES)
	const url = new URL(request.url)
	const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
	const unverified = url.searchParams.get('residence') === 'unverified'
	const { elders, hasMore } = await listElders(user, { page, unverified })
	return { elders, hasMore, page, unverified, isFamily: user.role === 'family', mayRegister: isRegistrar(user) }
}

export default function Elders() {
	const { elders, hasMore, page, unverified, isFamily, mayRegister } = useLoaderData<typeof loader>()
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
