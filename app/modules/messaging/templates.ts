// SMS templates: each message in the outbox names one of ours (`auth.code`, or a notification kind
// such as `booking.confirmed`). A provider sends only templates it approved beforehand, so each of
// ours maps to the provider's template code (SMS_TEMPLATE_CODES overrides the defaults below) and
// to the variables that template declares. Variable values are strings of at most 35 characters
// (Aliyun's limit for a notification variable). `text` is the approved wording, used by the
// development transport to show what the phone would receive.

export type SmsParams = Record<string, string>

type Template = { code: string; vars: (p: Record<string, unknown>) => SmsParams; text: (v: SmsParams) => string }

const MAX_VAR = 35
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v)).slice(0, MAX_VAR)
const yuan = (fen: unknown) => (typeof fen === 'number' && Number.isFinite(fen) ? (fen / 100).toFixed(2) : '')
const offering = (p: Record<string, unknown>) => ({ offering: str(p.offering) })
const withAmount = (p: Record<string, unknown>) => ({ offering: str(p.offering), amount: yuan(p.amountFen) })

const policy = (p: Record<string, unknown>) => ({ policy: str(p.policy) })
const SUBSIDY_REJECTED: Template = { code: 'SMS_YY_SUBSIDY_REJECTED', vars: () => ({}), text: () => '您为老人提交的补贴申请未获通过，原因请登录颐养查看。如不服，可申请复核。' }
const NOT_GRANTED: Template = {
	code: 'SMS_YY_SUBSIDY_NOT_GRANTED',
	vars: (p) => ({ policy: str(p.policy), days: str(p.appealDays) }),
	text: (v) => `您为老人申请的${v.policy}公示后未予发放，原因请登录颐养查看。如不服，可在${v.days}天内申请复核。`,
}
const RIGHTS_ANSWERED: Template = { code: 'SMS_YY_RIGHTS_ANSWERED', vars: () => ({}), text: () => '您提交的个人信息申请已有答复，请登录颐养查看。' }
const APPEAL_DECIDED: Template = { code: 'SMS_YY_APPEAL_DECIDED', vars: () => ({}), text: () => '您申请的复核已办结，结果请登录颐养查看。' }

const TEMPLATES: Record<string, Template> = {
	'auth.code': { code: 'SMS_YY_AUTH_CODE', vars: (p) => ({ code: str(p.code) }), text: (v) => `您的验证码为${v.code}，5分钟内有效。请勿告诉他人。` },
	'booking.requested': { code: 'SMS_YY_BOOKING_REQUESTED', vars: offering, text: (v) => `您有一条新的预约申请：${v.offering}，请尽快处理。` },
	'booking.confirmed': { code: 'SMS_YY_BOOKING_CONFIRMED', vars: offering, text: (v) => `您预约的${v.offering}已确认。` },
	'booking.declined': { code: 'SMS_YY_BOOKING_DECLINED', vars: offering, text: (v) => `很抱歉，您预约的${v.offering}未被接受。` },
	// The daily summary to a provider's manager who chose it (marketplace/booking-digest.server.ts).
	'booking.digest': {
		code: 'SMS_YY_BOOKING_DIGEST',
		vars: (p) => ({ day: str(p.day), count: str(p.count), awaiting: str(p.awaiting) }),
		text: (v) => `贵机构${v.day}收到新预约${v.count}条，其中${v.awaiting}条待确认，请登录颐养处理。`,
	},
	'booking.cancelled': { code: 'SMS_YY_BOOKING_CANCELLED', vars: offering, text: (v) => `预约${v.offering}已取消。` },
	'payment.succeeded': { code: 'SMS_YY_PAYMENT_SUCCEEDED', vars: withAmount, text: (v) => `您已成功支付${v.offering}，金额${v.amount}元。` },
	'payment.failed': { code: 'SMS_YY_PAYMENT_FAILED', vars: offering, text: (v) => `${v.offering}支付未成功，请重新支付。` },
	'refund.issued': { code: 'SMS_YY_REFUND_ISSUED', vars: (p) => ({ amount: yuan(p.amountFen) }), text: (v) => `退款${v.amount}元已原路退回。` },
	// Subsidies and due process: no elder's name in a text (it can be read on a shared phone); what
	// the family must act on, and by when, is in it.
	'subsidy.approved': { code: 'SMS_YY_SUBSIDY_APPROVED', vars: policy, text: (v) => `您为老人申请的${v.policy}已批准，正在社区公示，公示期满后服务额度到账。` },
	'subsidy.community_rejected': SUBSIDY_REJECTED,
	'subsidy.township_rejected': SUBSIDY_REJECTED,
	'subsidy.rejected': SUBSIDY_REJECTED,
	'subsidy.notice_withheld': NOT_GRANTED,
	'subsidy.notice_lapsed': NOT_GRANTED,
	'subsidy.notice_effective': { code: 'SMS_YY_SUBSIDY_EFFECTIVE', vars: policy, text: (v) => `您为老人申请的${v.policy}公示期满已生效，服务额度已到账。` },
	'subsidy.grant_stopping': {
		code: 'SMS_YY_SUBSIDY_STOPPING',
		vars: (p) => ({ policy: str(p.policy), endsOn: str(p.endsOn), appealBy: str(p.appealBy) }),
		text: (v) => `您家老人的${v.policy}因不再符合条件，将于${v.endsOn}停止。如不服，可在${v.appealBy}前申请复核，详情请登录颐养查看。`,
	},
	'subsidy.claim_rejected': { code: 'SMS_YY_CLAIM_REJECTED', vars: (p) => ({ month: str(p.month) }), text: (v) => `贵机构${v.month}的补贴结算单被民政局退回，请登录颐养查看原因并重新生成。` },
	'subsidy.appeal_upheld': APPEAL_DECIDED,
	'subsidy.appeal_changed': APPEAL_DECIDED,
	'appeal.upheld': APPEAL_DECIDED,
	'appeal.changed': APPEAL_DECIDED,
	'rights.fulfilled': RIGHTS_ANSWERED,
	'rights.refused': RIGHTS_ANSWERED,
	'rights.answered_in_person': { code: 'SMS_YY_RIGHTS_ANSWERED_OFFICE', vars: () => ({}), text: () => '您在社区提出的个人信息申请已有答复，请到社区办公室领取书面答复。' },
	'rights.due_soon': { code: 'SMS_YY_RIGHTS_DUE', vars: (p) => ({ dueOn: str(p.day) }), text: (v) => `有一件个人信息权利申请须在${v.dueOn}前答复，请登录颐养处理。` },
	'rights.overdue': { code: 'SMS_YY_RIGHTS_OVERDUE', vars: (p) => ({ dueOn: str(p.day) }), text: (v) => `有一件个人信息权利申请已超过答复期限（${v.dueOn}），请登录颐养尽快处理。` },
	'registry.residence_rejected': { code: 'SMS_YY_RESIDENCE_UNVERIFIED', vars: () => ({}), text: () => '老人的户籍暂未核实，请登录颐养查看社区的说明。' },
	'account.phone_changed': { code: 'SMS_YY_PHONE_CHANGED', vars: (p) => ({ tail: str(p.tail) }), text: (v) => `您的颐养账号已改用尾号${v.tail}的手机号登录。如非本人操作，请立即联系社区或拨打12345。` },
}

/** Any other notification kind: one general template pointing to the app. */
const GENERAL: Template = { code: 'SMS_YY_GENERAL', vars: () => ({}), text: () => '您在颐养平台有一条新通知，请登录查看。' }

/** Templates whose variables must not stay readable after sending (the code itself). */
export const SECRET_TEMPLATES = new Set(['auth.code'])

export function parseTemplateCodes(json: string | undefined): Record<string, string> {
	if (!json) return {}
	try {
		const parsed = JSON.parse(json) as unknown
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {}
		return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
	} catch {
		return {}
	}
}

/** The provider template code and its variables for one outbox message. */
export function renderTemplate(template: string, params: unknown, codes: Record<string, string> = {}): { templateCode: string; vars: SmsParams; text: string } {
	const t = TEMPLATES[template] ?? GENERAL
	const p = params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {}
	const vars = t.vars(p)
	return { templateCode: codes[template] ?? (TEMPLATES[template] ? t.code : (codes['general'] ?? GENERAL.code)), vars, text: `【颐养】${t.text(vars)}` }
}

/** The variables as kept after sending: a secret template's values are masked. */
export function keptParams(template: string, vars: SmsParams): SmsParams {
	if (!SECRET_TEMPLATES.has(template)) return vars
	return Object.fromEntries(Object.keys(vars).map((k) => [k, '******']))
}

/** The wording a phone receives for a template with these (kept) variables. */
export function textFor(template: string, vars: SmsParams): string {
	return `【颐养】${(TEMPLATES[template] ?? GENERAL).text(vars)}`
}
