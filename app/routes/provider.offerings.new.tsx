import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { OfferingForm } from '~/components/offering-form.tsx'
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
	const formData = await readProtectedForm(request)
	const submission = parseWithZod(formData, { schema: offeringSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	const outcome = await createOffering(user, submission.value)
	if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: outcome.fieldErrors }) }, { status: outcome.status ?? 400 })
	return redirect(`/provider/offerings/${outcome.value.id}`)
}

export default function NewOffering() {
	const { categories, districts } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const { t, i18n } = useTranslation('marketplace')
	const zh = i18n.language === 'zh-CN'
	return (
		<section className="card narrow">
			<h1>{t('catalogue.add')}</h1>
			<OfferingForm lastResult={actionData?.result} categories={categories} districts={districts.map((d) => ({ id: d.id, name: zh ? d.nameZh : d.nameEn, communities: d.communities.map((c) => ({ id: c.id, name: zh ? c.nameZh : (c.nameEn ?? c.nameZh) })) }))} submitLabel={t('catalogue.save')} />
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
