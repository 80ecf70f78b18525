import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Cards } from '~/components/cards.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { FormSubmit } from '~/components/form-submit.tsx'
import { ActionForm, Field, replyDone, useReplyForm } from '~/components/forms.tsx'
import { CommunityLimit } from '~/components/marketplace.tsx'
import { Notice } from '~/components/notice.tsx'
import { Facts, Money } from '~/components/ui.tsx'
import { answerForm, parseForm, replyOutcome } from '~/lib/forms.server.ts'
import { clientIp } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { getOwnProvider, updateTerms } from '~/modules/marketplace/catalogue.server.ts'
import { isProviderManager } from '~/modules/accounts/accounts.server.ts'
import { bookingTextsOf, setBookingTexts } from '~/modules/accounts/booking-texts.server.ts'
import { BOOKING_TEXTS, bookingTextsSchema } from '~/modules/accounts/schemas.ts'
import { BOOKING_TERM_LIMITS, DEFAULT_BOOKING_TERMS } from '~/modules/marketplace/rules.ts'
import { termsSchema } from '~/modules/marketplace/schemas.ts'

export async function loader({ request }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const [provider, manager, bookingTexts] = await Promise.all([getOwnProvider(user), isProviderManager(user), bookingTextsOf(user)])
	return { provider, manager, bookingTexts }
}

export async function action({ request }: ActionFunctionArgs) {
	const user = await requireRole(request, ['provider_staff'])
	const formData = await readProtectedForm(request)
	// A manager's own choice of booking texts (refused for other staff by the module).
	if (formData.get('intent') === 'bookingTexts')
		return answerForm(formData, bookingTextsSchema, (value) => setBookingTexts(user, value, clientIp(request)), { form: 'booking-texts', resetForm: false })
	const parsed = parseForm(formData, termsSchema, { form: 'terms', invalidMessage: 'marketplace:errors.terms.range' })
	if (!parsed.ok) return parsed.response
	return replyOutcome(parsed, await updateTerms(user, parsed.value, clientIp(request)), { resetForm: false })
}

export default function ProviderHome() {
	const { provider: p, manager, bookingTexts } = useLoaderData<typeof loader>()
	const reply = useActionData<typeof action>()
	const [form, fields] = useReplyForm<'holdMinutes' | 'freeCancelHours' | 'lateCancelFeePercent' | 'autoConfirm'>('terms', reply)
	const { t } = useTranslation('marketplace')
	const terms = p.profile ?? DEFAULT_BOOKING_TERMS
	return (
		<section>
			<div className="title-row">
				<h1>{p.name}</h1>
				<Link to="/provider/offerings/new" className="button big">
					{t('catalogue.add')}
				</Link>
			</div>
			{manager ? (
				<p>
					<Link to="/provider/staff">{t('common:providerStaff.link')}</Link>
				</p>
			) : null}
			<p className={p.status === 'approved' ? 'notice' : 'form-error'} data-testid="provider-status">
				{t(`providerStatus.${p.status}`)}
				{p.status === 'pending' ? ` · ${t('catalogue.pendingHint')}` : ''}
				{p.statusReason ? ` · ${p.statusReason}` : ''}
			</p>
			{p.status === 'suspended' ? (
				<p className="notice" data-testid="suspended-hint">
					{t('catalogue.suspendedHint')}
				</p>
			) : null}
			<p>
				{t('fields.grade')}: {p.grade ? t('grade.stars', { count: p.grade }) : t('grade.none')} ·{' '}
				<Link to={`/services/providers/${p.id}`}>{t('catalogue.publicPage')}</Link> · <Link to="/bookings">{t('nav.bookings')}</Link>
			</p>
			<h2>{t('catalogue.title')}</h2>
			<Cards items={p.offerings} empty={t('catalogue.none')} itemKey={(o) => o.id}>
				{(o) => (
					<>
						<h3>
							<Link to={`/provider/offerings/${o.id}`}>{o.title}</Link>
						</h3>
						<p>
							{t(`category.${o.category}`)} · <Money fen={o.priceFen} /> {t(`unit.${o.unit}`)} · {t('unit.duration', { minutes: o.durationMinutes })} ·{' '}
							{o.active ? t('catalogue.active') : t('catalogue.inactive')} · {o._count.rules === 0 ? t('catalogue.noSchedule') : t('catalogue.rules', { count: o._count.rules })}
						</p>
						<CommunityLimit communities={o.communities} />
					</>
				)}
			</Cards>
			<h2>{t('terms.title')}</h2>
			{replyDone(reply, 'terms') ? <Notice>{t('terms.saved')}</Notice> : null}
			{manager ? (
				<ActionForm form={form} intent="terms" className="grid-form">
					<div className="checks">
						<label>
							<input type="checkbox" name="autoConfirm" defaultChecked={terms.autoConfirm} /> {t('terms.autoConfirm')}
						</label>
					</div>
					<Field label={t('terms.holdMinutes')} errors={fields.holdMinutes.errors} inputProps={{ id: 'holdMinutes', name: 'holdMinutes', type: 'number', ...BOOKING_TERM_LIMITS.holdMinutes, defaultValue: terms.holdMinutes }} />
					<Field label={t('terms.freeCancelHours')} errors={fields.freeCancelHours.errors} inputProps={{ id: 'freeCancelHours', name: 'freeCancelHours', type: 'number', ...BOOKING_TERM_LIMITS.freeCancelHours, defaultValue: terms.freeCancelHours }} />
					<Field label={t('terms.lateCancelFeePercent')} errors={fields.lateCancelFeePercent.errors} inputProps={{ id: 'lateCancelFeePercent', name: 'lateCancelFeePercent', type: 'number', ...BOOKING_TERM_LIMITS.lateCancelFeePercent, defaultValue: terms.lateCancelFeePercent }} />
					<FormSubmit form={form} errors={fields.autoConfirm.errors} label={t('terms.save')} />
				</ActionForm>
			) : (
				<>
					<Facts
						items={[
							[t('terms.autoConfirm'), terms.autoConfirm ? t('terms.yes') : t('terms.no')],
							[t('terms.holdMinutes'), String(terms.holdMinutes)],
							[t('terms.freeCancelHours'), String(terms.freeCancelHours)],
							[t('terms.lateCancelFeePercent'), String(terms.lateCancelFeePercent)],
						]}
					/>
					<p className="hint" data-testid="terms-manager-only">
						{t('terms.managerOnly')}
					</p>
				</>
			)}
			{bookingTexts ? <BookingTextsForm current={bookingTexts} /> : null}
		</section>
	)
}

/** A manager's choice of how new bookings are texted to them: radio buttons, one submit (no script needed). */
function BookingTextsForm({ current }: { current: (typeof BOOKING_TEXTS)[number] }) {
	const reply = useActionData<typeof action>()
	const [form, fields] = useReplyForm<'bookingTexts'>('booking-texts', reply)
	const { t } = useTranslation('marketplace')
	return (
		<>
			<h2 id="booking-texts-title">{t('bookingTexts.title')}</h2>
			{replyDone(reply, 'booking-texts') ? <Notice>{t('bookingTexts.saved')}</Notice> : null}
			<p id="booking-texts-lead" className="hint">
				{t('bookingTexts.lead')}
			</p>
			<ActionForm form={form} intent="bookingTexts" className="grid-form">
				<fieldset className="checks" aria-labelledby="booking-texts-title" aria-describedby="booking-texts-lead">
					{BOOKING_TEXTS.map((choice) => (
						<label key={choice}>
							<input type="radio" name="bookingTexts" value={choice} defaultChecked={choice === current} required /> {t(`bookingTexts.${choice}`)}
						</label>
					))}
				</fieldset>
				<FormSubmit form={form} errors={fields.bookingTexts.errors} label={t('bookingTexts.save')} />
			</ActionForm>
		</>
	)
}

export function ErrorBoundary() {
	return <GeneralErrorBoundary />
}
