// Every audit action the code writes has a zh-CN and an English label on the audit log page.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import en from '../../app/locales/en/common.json' with { type: 'json' }
import zh from '../../app/locales/zh-CN/common.json' with { type: 'json' }

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f)
		return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
	})
}

// Actions built from a value at run time, spelled out (keep in step with the code named).
const DYNAMIC = [
	'provider.approve', 'provider.reject', // marketplace/providers.server.ts
	'visit.accept', 'visit.reject', // marketplace/visits.server.ts
	'subsidy.community_approve', 'subsidy.community_reject', // subsidies/applications.server.ts
	'stay_request.accept', 'stay_request.decline', // beds/stays.server.ts
	'allowance.run_disburse', 'allowance.bank_file_followup', // allowance/runs.server.ts
	'change.approve', 'change.reject', // auth/pending-changes.server.ts
	'life_event.moved_out', 'life_event.moved_in', 'life_event.death_confirm', 'life_event.death_reject', // life-events/life-events.server.ts
	'notice.objection_upheld', 'notice.objection_not_upheld', 'subsidy.appeal_upheld', 'subsidy.appeal_changed', // due-process/notice, appeals
	'construction.review_pass', 'construction.review_reject', 'construction.approve', 'construction.reject', 'grading.approve', 'grading.reject', // institutions/construction, grading
	'inspection.close', 'inspection.reopen', // institutions/inspections
	'operating_subsidy.rate_approve', 'operating_subsidy.rate_reject', // operating-subsidy/rates.server.ts
	'appeal.lodge', 'appeal.upheld', 'appeal.changed', // due-process/appeals (kinds other than subsidies)
	'rights.request_fulfil', 'rights.request_refuse', // rights/requests.server.ts
	// written by routes (login_.two-factor.tsx)
	'auth.totp_enrol', 'auth.totp_enrol_failed', 'auth.second_factor', 'auth.second_factor_failed', 'auth.recovery_code_used',
]

function writtenActions() {
	const found = new Set(DYNAMIC)
	for (const file of files('app/modules')) {
		const src = readFileSync(file, 'utf8')
		for (const m of src.matchAll(/action: '([a-z_]+\.[a-z_]+)'/g)) found.add(m[1]!)
		// Raw SQL inserts name the action as a literal in the VALUES list.
		for (const m of src.matchAll(/INSERT INTO audit_log[^`]*`/g)) for (const a of m[0].matchAll(/'([a-z_]+\.[a-z_]+)'/g)) found.add(a[1]!)
	}
	return [...found].sort()
}

describe('audit action labels', () => {
	it('labels every action in both languages, under the key exactly as written', () => {
		const actions = writtenActions()
		expect(actions.length).toBeGreaterThan(30)
		const zhActions = zh.audit.actions as Record<string, string>
		const enActions = en.audit.actions as Record<string, string>
		expect(actions.filter((a) => !zhActions[a])).toEqual([])
		expect(actions.filter((a) => !enActions[a])).toEqual([])
	})
})
