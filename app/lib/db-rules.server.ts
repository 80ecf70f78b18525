// The one registry of database rules that can refuse a write: every unique index, CHECK constraint
// and trigger rule (triggers raise `USING CONSTRAINT = 'rule_name'`) has one entry here, saying
// which form field it belongs to, which message key the form shows and with which HTTP status.
// tests/integration/db-rules.test.ts reads the migrated database's catalog and fails on a rule
// with no entry, so a migration that adds one must add it here too.
//
// Use: `catch (error) { return failureOf(error) }` turns a refused write into the unified Failure of
// ./outcome.ts (and rethrows anything else); `refuse(field, key, status)` aborts a transaction with
// a refusal found by code, which failureOf answers the same way.
import { pgErrorOf } from './db-errors.server.ts'
import { transaction, type TransactionOptions, type Tx } from './db.server.ts'
import { fail, fieldFail, type Failure } from './outcome.ts'

export type DbRule =
	/** A refusal a user can cause: shown under `field` (or above the buttons without one). */
	| { field?: string; message: string; status: number }
	/** A guard that code never lets a user reach: if it fires it is a bug, and stays a 500. */
	| { internal: string }

const conflict = (field: string | undefined, message: string): DbRule => ({ field, message, status: 409 })
const invalid = (field: string | undefined, message: string): DbRule => ({ field, message, status: 400 })
const internal = (why: string): DbRule => ({ internal: why })

export const DB_RULES: Record<string, DbRule> = {
	// ---- accounts, elders, places
	app_user_phone_key: conflict('phone', 'errors.phone.taken'),
	elder_idNumberHash_key: conflict('idNumber', 'errors.elder.alreadyYours'),
	district_regionCode_key: internal('districts are seeded'),
	community_districtId_nameZh_key: conflict('nameZh', 'geography.errors.nameTaken'),
	family_claim_one_pending: internal('a repeated claim returns the pending one (claims.server.ts)'),
	audit_log_append_only: internal('the audit log is append-only'),
	app_user_closed_inactive: internal('closeAccount sets active = false with closedAt'),
	app_user_provider_manager_is_staff: internal('only provider staff the bureau creates are managers'),
	consent_kind_valid: internal('consents are recorded by recordConsent with a known kind'),
	consent_elder_matches_kind: internal('recordConsent names an elder exactly for elder_sensitive'),
	consent_withdrawn_after_granted: internal('withdrawals are stamped now()'),
	rights_request_one_open: conflict('kind', 'rights.errors.alreadyOpen'),
	rights_request_one_open_in_person: conflict('kind', 'rights.errors.alreadyOpen'),
	rights_request_online_or_in_person: internal('requests.server.ts writes either the family member or the officer with the requester'),
	rights_request_status_valid: internal('requests.server.ts writes known statuses'),
	rights_request_details_match_kind: internal('the filing schema keeps only the details of the kind chosen'),
	rights_request_closed_when_decided: internal('a decision or withdrawal stamps decidedAt with the status'),
	rights_request_decider_when_decided: internal('decideRightsRequest records the officer; a withdrawal has none'),
	rights_request_refusal_has_reason: invalid('answer', 'rights.errors.refusalReason'),

	// ---- marketplace
	provider_licenceNo_key: conflict('licenceNo', 'marketplace:errors.licence.taken'),
	slot_offeringId_startsAt_key: internal('slots are generated once per start (ON CONFLICT)'),
	booking_familyUserId_idempotencyKey_key: internal('a repeated booking request returns the first booking'),
	payment_idempotencyKey_key: internal('payments are created once per idempotency key'),
	payment_stripePaymentIntentId_key: internal('one payment per Stripe intent'),
	payment_one_live_per_booking: internal('a retried payment reuses the live one'),
	refund_idempotencyKey_key: internal('refunds are created once per idempotency key'),
	refund_stripeRefundId_key: internal('one refund per Stripe refund'),
	visit_bookingId_key: internal('one visit per booking, opened at check-in'),
	review_bookingId_key: conflict(undefined, 'marketplace:errors.review.already'),
	outbox_dedupeKey_key: internal('outbox messages are deduplicated (ON CONFLICT)'),
	slot_booked_within_capacity: conflict(undefined, 'marketplace:errors.booking.full'),
	slot_capacity_fixed: internal('a slot keeps the capacity it was made with (its places are rows)'),
	slot_place_kept: internal('places go only with their slot'),
	slot_place_fixed: internal('a place is never renumbered or moved to another slot'),
	slot_place_bookingId_key: internal('a booking takes one place, in the statement that writes it'),
	booking_holds_its_place: internal('the booking core takes the place with the booking; the lifecycle frees it with holdsPlace'),
	slot_capacity_positive: internal('slot capacities come from validated availability rules'),
	slot_ends_after_start: internal('slot times come from validated availability rules'),
	offering_price_positive: invalid('price', 'marketplace:errors.price.positive'),
	offering_duration_range: invalid('durationMinutes', 'marketplace:errors.duration.range'),
	offering_serves_a_district: invalid('districtIds', 'marketplace:errors.districts.required'),
	availability_rule_valid: invalid('capacity', 'marketplace:errors.capacity.range'),
	booking_price_split: internal('the split is computed by splitPrice'),
	booking_fee_within_price: internal('fees are computed from the provider terms'),
	booking_refund_within_copay: internal('refunds are computed from the co-payment'),
	booking_hold_matches_status: internal('the booking lifecycle frees the place when it ends'),
	payment_amount_positive: internal('free bookings take no payment'),
	refund_amount_positive: internal('nothing to refund takes no refund'),
	review_rating_range: invalid('rating', 'marketplace:errors.rating.range'),
	provider_profile_terms: invalid(undefined, 'marketplace:errors.terms.range'),

	// ---- beds
	admission_one_current_per_elder: conflict('idNumber', 'beds:errors.elder.alreadyAdmitted'),
	admission_one_current_per_bed: conflict('bedId', 'beds:errors.bed.occupied'),
	admission_discharge_not_before_admission: invalid('on', 'beds:errors.dischargeBeforeAdmission'),
	admission_end_reason_with_discharge: internal('discharge always records its reason'),
	admission_transferredFromId_key: internal('an admission is transferred once (the old one is closed in the same transaction)'),
	admission_stayRequestId_key: conflict('requestId', 'beds:errors.request.notAccepted'),
	stay_request_one_open_per_elder_provider: conflict('providerId', 'beds:errors.request.alreadyOpen'),
	stay_request_reason_when_declined: invalid('reason', 'beds:errors.reason'),
	room_providerId_name_key: conflict('name', 'beds:errors.room.nameTaken'),
	room_name_not_blank: invalid('name', 'beds:errors.room.required'),
	bed_roomId_label_key: conflict('roomId', 'beds:errors.bed.labelTaken'),
	bed_reservedForId_key: conflict('bedId', 'beds:errors.bed.reserved'),
	bed_reserved_has_request: internal('reserving a bed always names the request'),
	bed_label_not_blank: internal('bed labels are generated'),
	bed_price_non_negative: invalid('price', 'beds:errors.price'),
	bed_event_append_only: internal('bed history is append-only'),
	bed_tally_non_negative: internal('the tally is kept by the bed_tally_sync trigger'),
	population_stat_positive: invalid('aged60Plus', 'beds:errors.population.positive'),
	indicator_snapshot_month_districtId_key: internal('snapshots upsert (ON CONFLICT)'),
	indicator_snapshot_non_negative: internal('snapshots are counted by the database'),

	// ---- subsidies
	subsidy_policy_code_key: conflict('code', 'subsidies:errors.codeTaken'),
	subsidy_policy_version_policyId_version_key: conflict('effectiveFrom', 'subsidies:errors.versionOrder'),
	subsidy_policy_version_policyId_effectiveFrom_key: conflict('effectiveFrom', 'subsidies:errors.versionOrder'),
	subsidy_policy_version_credit_positive: invalid('monthlyCredit', 'subsidies:errors.monthlyCredit'),
	subsidy_policy_version_copay_range: invalid('copay', 'subsidies:errors.copay'),
	subsidy_policy_version_min_age: invalid('minAge', 'subsidies:errors.minAge'),
	subsidy_policy_version_period: invalid('validUntil', 'subsidies:errors.period'),
	subsidy_policy_version_covers_something: invalid('coveredCategories', 'subsidies:errors.coveredCategories'),
	subsidy_policy_exclusion_not_self: invalid('excludes', 'subsidies:errors.policy'),
	subsidy_policy_top_up_is_district: internal('only district policies are top-ups (checked by the form)'),
	subsidy_policy_top_up_not_self: internal('a new policy cannot name itself'),
	subsidy_district_limit_nonnegative: invalid('maxMonthlyCredit', 'subsidies:errors.amount'),
	subsidy_district_policy_own_district: invalid('districtIds', 'subsidies:errors.districtPolicy.ownDistrict'),
	subsidy_district_policy_credit_limit: invalid('monthlyCredit', 'subsidies:errors.districtPolicy.creditLimit'),
	subsidy_district_policy_own_budget: invalid('districtId', 'subsidies:errors.districtPolicy.ownBudget'),
	subsidy_district_budget_limit: invalid('amount', 'subsidies:errors.districtPolicy.budgetLimit'),
	subsidy_budget_amount_nonnegative: invalid('amount', 'subsidies:errors.amount'),
	subsidy_budget_committed_nonnegative: conflict('amount', 'subsidies:errors.budgetBelowCommitted'),
	subsidy_application_household: invalid('householdSize', 'subsidies:errors.householdSize'),
	subsidy_application_override_reason: invalid('overrideReason', 'subsidies:errors.overrideReasonRequired'),
	subsidy_application_one_open: conflict(undefined, 'subsidies:errors.alreadyOpen'),
	subsidy_grant_one_active: conflict(undefined, 'subsidies:errors.alreadyGranted'),
	subsidy_grant_applicationId_key: conflict(undefined, 'subsidies:errors.alreadyGranted'),
	ledger_account_balance_nonnegative: conflict(undefined, 'subsidies:errors.noCredit'),
	ledger_account_owner: internal('ledger accounts are opened by openGrantAccounts'),
	ledger_account_grantId_kind_key: internal('accounts are opened idempotently (ON CONFLICT)'),
	ledger_account_policyId_districtId_kind_key: internal('accounts are opened idempotently (ON CONFLICT)'),
	ledger_txn_amount_positive: internal('ledger amounts are checked before posting'),
	ledger_txn_keys: internal('ledger transactions are written by ledger.server.ts only'),
	ledger_txn_grantId_kind_month_key: internal('a month is granted or expired once (ON CONFLICT)'),
	ledger_txn_ref_kind_key: conflict(undefined, 'subsidies:errors.outOfOrder'),
	ledger_txn_hold_settled_once: conflict(undefined, 'subsidies:errors.outOfOrder'),
	ledger_txn_settles_hold: internal('captures and releases follow a hold'),
	ledger_txn_reverses_capture: internal('reversals follow a capture'),
	ledger_txn_two_accounts: internal('a transaction moves credit between two different accounts of the grant'),
	ledger_append_only: internal('the ledger is append-only'),
	ledger_entry_account_exists: internal('entries name accounts opened by openGrantAccounts'),
	ledger_account_kept: internal('ledger accounts are never deleted, re-keyed or truncated'),
	subsidy_claim_provider_month_open: conflict(undefined, 'subsidies:errors.claimClosed'),
	subsidy_claim_line_booking_active: internal('a visit is claimed once (ON CONFLICT)'),
	subsidy_claim_line_visit_active: internal('a visit is claimed once (ON CONFLICT)'),
	subsidy_claim_line_amount_positive: internal('claim lines carry captured amounts'),
	subsidy_claim_totals_nonnegative: internal('claim totals are kept by a trigger'),
	subsidy_claim_lines_to_submitted: conflict(undefined, 'subsidies:errors.claimClosed'),
	subsidy_claim_status_flow: conflict(undefined, 'subsidies:errors.claimClosed'),
	subsidy_claim_line_append_only: internal('claim lines are append-only'),

	// ---- allowance
	allowance_payment_elderId_month_key: internal('a month is paid once (ON CONFLICT)'),
	allowance_run_month_live_key: internal('a second start returns the live run (ON CONFLICT)'),
	allowance_run_maker_not_checker: conflict(undefined, 'allowance:errors.run.makerCannotApprove'),
	allowance_run_month_format: internal('run months are validated by the form'),
	allowance_run_chunks_within_count: internal('chunks are counted by the engine'),
	allowance_setting_valid: invalid(undefined, 'allowance:errors.amount.invalid'),
	cremation_record_elderId_key: conflict(undefined, 'allowance:import.errors.concurrent'),
	// ---- allowance disbursement (issue 13)
	elder_bank_card_complete: internal('recordCard writes the card, its bank and holder together'),
	elder_id_number_erased: internal('the retention sweep erases the number and stamps idNumberErasedAt together'),
	elder_no_card_without_id_number: internal('recordCard refuses an elder whose number was erased; the sweep erases the card with the number'),
	identity_retention_years_range: internal('retentionSchema bounds the years'),
	identity_retention_two_people: internal('decideChange refuses the proposer before writing'),
	allowance_recovery_outcome_valid: internal('recoveries.server.ts writes recovered or waived'),
	allowance_recovery_recovered_how: internal('recoverySchema requires the method and reference'),
	allowance_recovery_waiver_two_people: internal('decideChange refuses the proposer before writing the waiver'),
	allowance_recovery_final: internal('a receipt or waiver is never changed or removed'),
	allowance_recovery_amount_positive: internal('recoverySchema requires an amount above 0; a waiver is proposed only while something remains'),
	allowance_recovery_within_payment: conflict('amount', 'allowance:recoveries.errors.exceedsRemaining'),
	allowance_recovery_recordedById_idempotencyKey_key: internal('a form sent again is found under the payment lock before the insert'),
	allowance_recovery_changeId_key: internal('a pending change is decided once, under its lock'),
	allowance_bank_file_runId_fileNo_key: internal('file numbers are taken under the run row lock'),
	allowance_bank_file_fileNumber_key: internal('file numbers are taken under the run row lock'),
	allowance_disbursement_fileId_line_key: internal('lines are numbered by row_number() in one INSERT'),
	allowance_disbursement_amount_positive: internal('payments are positive'),
	allowance_disbursement_state: internal('attempt outcomes are written with their dates'),
	allowance_disbursement_outcome_once: internal('attempts change only from sent to paid or returned'),
	allowance_disbursement_one_live: conflict(undefined, 'allowance:errors.export.busy'),
	allowance_disbursement_payment_exists: internal('lines are made from payments in one INSERT … SELECT'),
	allowance_disbursement_file_exists: internal('lines are made after their file row, in one transaction'),
	allowance_payment_kept_with_lines: internal('only a rejected run (never in a file) has its payments deleted'),
	allowance_bank_file_kept: internal('bank files, their lines and payments are never deleted, re-keyed or truncated'),
	allowance_payment_run_exists: internal('payments are written by their run’s own chunks, after the run row'),
	allowance_payment_run_kept: internal('no code moves a payment to another run'),
	allowance_run_kept_with_payments: internal('a rejected run’s payments are deleted before the run; runs are never re-keyed'),
	allowance_bank_import_kind: internal('imports are returns or confirmations'),
	allowance_bank_import_runId_kind_sha256_key: conflict('file', 'allowance:errors.returns.alreadyImported'),

	// ---- registry: geography (townships, community codes)
	district_divisionCode_key: internal('districts are seeded'),
	township_code_key: conflict('code', 'geography.errors.codeTaken'),
	township_active_name: conflict('nameZh', 'geography.errors.nameTaken'),
	township_code_format: invalid('code', 'geography.errors.codeFormat'),
	township_name_not_blank: invalid('nameZh', 'errors.required'),
	community_code_key: conflict('code', 'geography.errors.codeTaken'),
	community_code_format: invalid('code', 'geography.errors.codeFormat'),
	community_retire_not_delete: conflict(undefined, 'geography.errors.inUse'),
	// ---- SMS delivery and phone codes, wallet payments (issue 13 items 4 and 5)
	outbox_state_valid: internal('outbox states are set by app/modules/messaging/outbox.server.ts'),
	sms_send_outboxId_key: internal('one send record per outbox message (at most once)'),
	phone_code_purpose_valid: internal('code purposes come from the route'),
	phone_code_attempts_range: internal('a code is checked at most five times (conditional update)'),
	payment_methods_known: internal('payment methods come from the offered list in payments.server.ts'),
	// ---- trust (issue 12): invitations, second factor, two-person control
	user_invitation_tokenHash_key: internal('invitation tokens are 256 random bits'),
	recovery_code_userId_codeHash_key: internal('recovery codes are random and replaced as a set'),
	allowance_run_submitted_before_approval: conflict(undefined, 'errors.twoPerson.needsSubmitter'),
	allowance_run_two_person: { message: 'errors.twoPerson.creatorRelated', status: 403 },
	pending_change_kind_valid: internal('kinds are set by code'),
	pending_change_status_valid: internal('statuses are set by code'),
	pending_change_decider_not_proposer: { message: 'errors.change.ownProposal', status: 403 },
	// ---- life events and the registry import (issue 10 items 7 and 3)
	life_event_move_once: internal('a repeated move is found before the insert (ON CONFLICT DO NOTHING)'),
	life_event_one_death: conflict('occurredOn', 'lifeEvents.errors.deathRecordedOtherDate'),
	life_event_date_possible: invalid('occurredOn', 'lifeEvents.errors.dateImpossible'),
	registry_import_status_valid: internal('import statuses are set by app/modules/registry-import'),
	registry_import_verdict_outcome_valid: internal('verdicts are written by the dry run (app/modules/registry-import/classify.server.ts)'),
	// ---- centres (issue 14 items 5, 2, 8)
	visit_meals_served_range: invalid('meals', 'marketplace:errors.attendance.meals'),
	complaint_closed_has_finding: internal('closing sets the finding and closedAt in one conditional update'),
	complaint_booking_subject: internal('the module sets bookingId exactly for booking complaints'),
	institution_facts_tekun_capacity_range: invalid('tekunCapacity', 'beds:facts.errors.tekunCapacity'),
	// ---- statuses and capability assessment (issue 10 items 5 and 6)
	elder_status_until_after_from: invalid('validUntil', 'statuses:errors.validUntil.beforeFrom'),
	elder_status_review_after_from: invalid('reviewOn', 'statuses:errors.reviewOn.beforeFrom'),
	elder_status_disability_grade: invalid('disabilityGrade', 'statuses:errors.disabilityGrade.required'),
	elder_status_never_delete: internal('statuses are ended, never deleted (app/modules/statuses/records.server.ts)'),
	assessment_org_licenceNo_key: conflict('licenceNo', 'statuses:errors.licenceTaken'),
	capability_assessment_valid_after_assessed: invalid('validMonths', 'statuses:errors.validMonths.range'),
	reassessment_request_one_open: conflict('reason', 'statuses:errors.requestOpen'),

	// ---- due process (公示 / 复核): app/modules/due-process
	subsidy_notice_period: internal('a notice is opened for NOTICE_DAYS days by listForNotice'),
	subsidy_notice_place_day_key: internal('one notice per place and day (ON CONFLICT)'),
	subsidy_notice_entry_applicationId_key: internal('an approval is listed once, in the transaction that approves it'),
	subsidy_notice_entry_status_valid: internal('entry statuses are written by notice.server.ts only'),
	notice_objection_status_valid: internal('findings come from the finding schema'),
	elder_status_support_mode_valid: invalid('supportMode', 'statuses:errors.supportMode.invalid'),
	elder_status_support_mode_tekun_only: invalid('supportMode', 'statuses:errors.supportMode.onlyTekun'),
	appeal_kind_subjectId_key: conflict(undefined, 'subsidies:dueProcess.errors.alreadyAppealed'),
	appeal_kind_valid: internal('kinds come from the appeal subjects of due-process/subjects.server.ts'),
	appeal_status_valid: internal('outcomes come from the appeal decision schema'),
	appeal_level_valid: internal('levels are worked out per subject by due-process/subjects.server.ts'),
	appeal_deadline_after_decision: internal('the deadline is the decision day plus APPEAL_DAYS'),
	appeal_attachment_mime_valid: internal('attachments are sniffed by their first bytes before they are stored'),
	appeal_attachment_size_valid: invalid('attachments', 'subsidies:dueProcess.errors.attachmentTooLarge'),

	// ---- institutions: construction subsidy and grading (issue 14 items 3 and 6): app/modules/institutions
	construction_rate_amounts: invalid('nursing', 'beds:construction.errors.amount'),
	construction_rate_effective_once: conflict('effectiveFrom', 'beds:settings.errors.effectiveTaken'),
	grading_criteria_shape: invalid(undefined, 'beds:settings.errors.criteria'),
	grading_criteria_effective_once: conflict('effectiveFrom', 'beds:settings.errors.effectiveTaken'),
	bed_acceptance_bed_once: conflict('bedIds', 'beds:construction.errors.alreadyAccepted'),
	construction_application_two_people: { field: undefined, message: 'errors.twoPerson.sameAccount', status: 403 },
	construction_application_amounts: internal('amounts come from the rate table, at least one bed per application'),
	construction_application_paid: internal('approval sets paidOn in the same update'),
	construction_bed_one_live_application: conflict('bedIds', 'beds:construction.errors.alreadyApplied'),
	construction_bed_needs_acceptance: invalid('bedIds', 'beds:construction.errors.notAccepted'),
	construction_bed_of_applicant: { field: 'bedIds', message: 'beds:errors.bed.notYours', status: 404 },
	construction_bed_already_paid: conflict('bedIds', 'beds:construction.errors.alreadyPaid'),
	construction_paid_bed_once: conflict('bedIds', 'beds:construction.errors.alreadyPaid'),
	construction_line_fixed: internal('lines are written once; a refusal deactivates them (trigger)'),
	construction_paid_append_only: internal('payments are recorded once, at approval'),
	construction_application_flow: internal('decisions are conditional updates on the expected status'),
	provider_grading_needs_checklist: invalid(undefined, 'beds:grading.errors.checklist'),
	provider_grading_grade_range: internal('the grade is computed from the score by gradeForScore'),
	provider_grading_two_people: { field: undefined, message: 'errors.twoPerson.sameAccount', status: 403 },
	provider_grading_validity: internal('validUntil is assessedOn plus the criteria validity'),
	provider_grading_one_open: conflict(undefined, 'beds:grading.errors.openExists'),

	// ---- institutions: inspections and rectification (issue 14 item 7): app/modules/institutions/inspections
	inspection_limit_days: invalid('suspendAfterDays', 'beds:inspections.errors.limitDays'),
	inspection_limit_effective_once: conflict('effectiveFrom', 'beds:settings.errors.effectiveTaken'),
	inspection_kinds_valid: invalid('kinds', 'beds:inspections.errors.kinds'),
	inspection_finding_values: invalid(undefined, 'beds:inspections.errors.finding'),
	inspection_finding_answered: internal('answering writes the rectification and its date in the same update'),
	inspection_finding_of_inspection: internal('findings are written with their inspection, from its institution'),
	inspection_finding_deadline_after: invalid(undefined, 'beds:inspections.errors.deadlineAfter'),
	inspection_finding_fixed: internal('a finding is never edited or deleted; only its status and answer move'),
	inspection_finding_flow: conflict(undefined, 'beds:inspections.errors.notOpen'),
	admission_stopped_by_findings: conflict(undefined, 'beds:inspections.errors.admissionsStopped'),
	// ---- operating subsidy (运营补贴, issue 14 item 4): app/modules/operating-subsidy
	operating_subsidy_statement_once: internal('an institution\'s month is computed once (ON CONFLICT DO NOTHING)'),
	operating_subsidy_rate_valid: invalid(undefined, 'beds:operating.errors.rateInvalid'),
	operating_subsidy_rate_append_only: internal('rates are versioned by month, never changed'),
	operating_subsidy_frozen: internal('a computed month is frozen: figures, bed-days and lines are written once'),
	operating_subsidy_days_in_month: internal('bed-days are cut to the month by the computation'),
	operating_subsidy_status_step: internal('review and approval are conditional updates on the expected status'),
	operating_subsidy_two_person: internal('twoPersonRefusal refuses the reviewer before the approval is written'),
	operating_subsidy_rate_proposal_status_valid: internal('proposal statuses are written by operating-subsidy/rates.server.ts only'),
	operating_subsidy_rate_proposal_decider_not_proposer: internal('twoPersonRefusal refuses the proposer first'),
	operating_subsidy_rate_proposal_one_pending: conflict('effectiveMonth', 'beds:operating.errors.ratePending'),
	operating_subsidy_adjustment_amount: invalid('amount', 'beds:operating.errors.adjustmentAmount'),
	operating_subsidy_adjustment_status_valid: internal('adjustment statuses are written by operating-subsidy/adjustments.server.ts only'),
	operating_subsidy_adjustment_decision_shape: internal('a decision sets its decider and time together'),
	operating_subsidy_adjustment_one_open: conflict(undefined, 'beds:operating.errors.adjustmentOpen'),
	operating_subsidy_adjustment_kept: internal('adjustments are never deleted'),
	operating_subsidy_adjustment_of_approved: internal('proposeAdjustment checks the statement is approved, under its lock'),
	operating_subsidy_adjustment_decided_once: internal('decisions are conditional updates on a proposal'),
	operating_subsidy_adjustment_two_person: internal('twoPersonRefusal refuses the proposer and related accounts first'),
	operating_subsidy_adjustment_not_below_zero: conflict('amount', 'beds:operating.errors.adjustmentBelowZero'),
}

/** The name of the rule a database error reports (constraint, unique index or trigger rule), if any. */
export function ruleNameOf(error: unknown): string | undefined {
	return pgErrorOf(error)?.constraint
}

/** A refusal found by code inside a transaction: throwing it rolls the transaction back. */
export class Refused extends Error {
	constructor(readonly failure: Failure) {
		super(failure.formError ?? Object.values(failure.fieldErrors)[0]?.[0] ?? 'refused')
	}
}

/** Throws a Refused for one field (or the whole form when field is null). */
export function refuse(field: string | null, message: string, status = 409): never {
	throw new Refused(field ? fieldFail(field, message, status) : fail(message, status))
}

/** The user's Failure for a Refused or a registered rule a user can cause; null for anything else. */
export function refusalOf(error: unknown): Failure | null {
	if (error instanceof Refused) return error.failure
	const name = ruleNameOf(error)
	const rule = name ? DB_RULES[name] : undefined
	if (!rule || 'internal' in rule) return null
	return rule.field ? fieldFail(rule.field, rule.message, rule.status) : fail(rule.message, rule.status)
}

/** For a catch block: the Failure for a refusal, or the error rethrown (a real error, a 500). */
export function failureOf(error: unknown): Failure {
	const failure = refusalOf(error)
	if (failure) return failure
	throw error
}

/**
 * A write in a transaction that answers with an Outcome: a refusal anywhere inside (a database rule,
 * `refuse()`) comes back as its Failure, anything else is thrown (a real error, a 500).
 */
export async function transactionOutcome<R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions): Promise<R | Failure> {
	try {
		return await transaction(fn, options)
	} catch (error) {
		return failureOf(error)
	}
}
