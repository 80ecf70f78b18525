import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { OrphanReplyErrors, replyValue } from '~/components/forms.tsx'
import { StatusBadge, When } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { PostForm } from '~/components/post-form.tsx'
import { answerForm } from '~/lib/forms.server.ts'
import { clientIp, notFoundUnless } from '~/lib/http.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { arrivalSchema, departureSchema, recordArrival, recordDeparture, rollCall } from '~/modules/attendance/attendance.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { dateParam } from '~/lib/query.ts'

// The centre's roll call for a day (phone/tablet): tick each elder in on arrival and out on
// departure with the meals served. Plain forms, one per row, so it works without JavaScript.
export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const day = dateParam(new URL(request.url).searchParams, 'day') ?? shanghaiDate()
	return { day, rows: notFoundUnless(await rollCall(user, day)) }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const form = await readProtectedForm(request)
	if (form.get('intent') === 'depart') {
		return answerForm(form, departureSchema, (value) => recordDeparture(user, value, new Date(), clientIp(request)), { form: 'attendance', invalidMessage: 'marketplace:errors.attendance.meals' })
	}
	return answerForm(form, arrivalSchema, (value) => recordArrival(user, value, new Date(), clientIp(request)), { form: 'attendance', invalidMessage: 'marketplace:errors.attendance.invalid' })
}

export default function RollCall() {
	const { day, rows } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const done = replyValue<{ status: string }>(reply, 'attendance')
	const { t } = useTranslation('marketplace')
	return (
		<section className="card narrow">
			<h1>{t('rollCall.title', { day })}</h1>
			<Form method="get" className="inline">
				<label htmlFor="day">{t('rollCall.day')}</label>
				<input id="day" name="day" type="date" defaultValue={day} />
				<button type="submit" className="button secondary">
					{t('rollCall.show')}
				</button>
			</Form>
			{done ? <Notice data-testid="attendance-result">{t(`rollCall.done.${done.status}`)}</Notice> : null}
			<OrphanReplyErrors reply={reply} formIds={[]} />
			{rows.length === 0 ? <p>{t('rollCall.none')}</p> : null}
			<ul className="roll-call">
				{rows.map((r) => (
					<li key={r.id} data-testid={`roll-${r.id}`}>
						<strong>{r.elder.name}</strong> · {r.offering.title} · <When at={r.startsAt} /> <StatusBadge status={r.status} />
						{r.status === 'confirmed' ? (
							<>
								<PostForm hidden={{ intent: 'arrive', bookingId: r.id, method: 'roll_call' }}>
									<button type="submit" className="button big">
										{t('rollCall.arrive')}
									</button>
								</PostForm>
								<PostForm hidden={{ intent: 'arrive', bookingId: r.id, method: 'code' }}>
									<label htmlFor={`code-${r.id}`}>{t('rollCall.familyCode')}</label>
									<input id={`code-${r.id}`} name="code" type="text" inputMode="numeric" maxLength={6} className="mono" />
									<button type="submit" className="button secondary">
										{t('rollCall.arriveByCode')}
									</button>
								</PostForm>
							</>
						) : null}
						{r.status === 'in_service' ? (
							<PostForm hidden={{ intent: 'depart', bookingId: r.id }}>
								<label htmlFor={`meals-${r.id}`}>{t('rollCall.meals')}</label>
								<input id={`meals-${r.id}`} name="meals" type="number" min={0} max={3} defaultValue={r.offering.category === 'canteen_meals' ? 1 : 0} />
								<button type="submit" className="button big">
									{t('rollCall.depart')}
								</button>
							</PostForm>
						) : null}
						{r.visit?.checkOutAt ? (
							<span>
								{t('rollCall.left')} <When at={r.visit.checkOutAt} /> · {t('rollCall.mealsServed', { count: r.visit.mealsServed })}
							</span>
						) : null}
					</li>
				))}
			</ul>
		</section>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
