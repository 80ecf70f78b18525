import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { OfferingForm } from '~/components/offering-form.tsx'
import { parseForm, replyFailure } from '~/lib/forms.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { createOffering, offeringFormOptions } from '~/modules/marketplace/catalogue.server.ts'
import { offeringSchema } from '~/modules/marketplace/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	return offeringFormOptions(user)
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const parsed = parseForm(await readProtectedForm(request), offeringSchema, { form: 'offering' })
	if (!parsed.ok) return parsed.response
	const outcome = await createOffering(user, parsed.value)
	return outcome.ok ? redirect(`/provider/offerings/${outcome.value.id}`) : replyFailure(parsed, outcome)
}

export default function NewOffering() {
	const { categories, districts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card narrow">
			<h1>{t('catalogue.add')}</h1>
			<OfferingForm reply={reply} categories={categories} districts={districts.map((d) => ({ id: d.id, name: zh ? d.nameZh : d.nameEn, communities: d.communities.map((c) => ({ id: c.id, name: zh ? c.nameZh : (c.nameEn ?? c.nameZh) })) }))} submitLabel={t('catalogue.save')} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
