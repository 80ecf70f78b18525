import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuthenticityTokenInput } from 'remix-utils/csrf/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Facts } from '~/components/ui.tsx'
import { clientIp, invariantResponse, notFoundUnless, requireId } from '~/lib/http.server.ts'
import { mayRevealIdNumber, requireUser } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { requireRecentAuth } from '~/modules/auth/step-up.server.ts'
import { getElder, revealIdNumber } from '~/modules/elders/elders.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireUser(request)
	const elder = notFoundUnless(await getElder(user, requireId(params, 'elderId')))
	return { elder, canReveal: mayRevealIdNumber(user) }
}

export async function action({ request, params }: ActionFunctionArgs) {
	const user = await requireUser(request)
	const formData = await readProtectedForm(request)
	invariantResponse(formData.get('intent') === 'reveal', 'Unknown action')
	if (mayRevealIdNumber(user)) await requireRecentAuth(request, user)
	const result = await revealIdNumber(user, requireId(params, 'elderId'), clientIp(request))
	if (!result.ok) throw new Response(result.status === 403 ? 'Forbidden' : 'Not found', { status: result.status })
	return data({ idNumber: result.idNumber, birthDate: result.birthDate }, { headers: { 'Cache-Control': 'no-store' } })
}

export default function ElderPage() {
	const { elder, canReveal } = useLoaderData<typeof loader>()
	const revealed = useActionData<typeof action>()
	const { t, i18n } = useTranslation()
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card">
			<h1>{elder.name}</h1>
			<Facts
				items={[
					[
						t('fields.idNumber'),
						<>
							<span className="mono" data-testid={revealed ? 'full-id' : 'masked-id'}>
								{revealed?.idNumber ?? elder.idNumberMasked}
							</span>
							{canReveal && !revealed ? (
								<Form method="post" className="inline-form">
									<AuthenticityTokenInput name="csrf" />
									<input type="hidden" name="intent" value="reveal" />
									<button type="submit" className="button secondary">
										{t('elders.reveal')}
									</button>
								</Form>
							) : null}
						</>,
					],
					[t('fields.gender'), t(`gender.${elder.gender}`)],
					revealed ? [t('fields.birthDate'), revealed.birthDate] : null,
					[t('fields.age'), t('elders.ageYears', { count: elder.age })],
					[t('fields.community'), `${zh ? elder.district.nameZh : elder.district.nameEn} · ${elder.community ? (zh ? elder.community.nameZh : (elder.community.nameEn ?? elder.community.nameZh)) : '—'}`],
					[t('fields.categories'), elder.categories.length ? elder.categories.map((c) => t(`categories.${c}`)).join('、') : t('common.none')],
					[t('fields.lastLiveness'), elder.lastLivenessAt ? String(elder.lastLivenessAt).slice(0, 10) : t('common.none')],
					[t('fields.family'), elder.families.map((f) => `${f.user.name}（${t(`relationships.${f.relationship}`)}）`).join('、')],
				]}
			/>
			{revealed ? <p className="notice">{t('elders.revealAudited')}</p> : null}
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
