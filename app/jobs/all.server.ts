// Every queue, for the queue dashboard (Bull Board). A new queue adds one line here.
import { allowanceQueue } from './allowance.server.ts'
import { snapshotQueue } from './indicator-snapshots.server.ts'
import { marketplaceQueue } from './marketplace.server.ts'
import { subsidyClaimsQueue } from './subsidy-claims.server.ts'
import { subsidyGrantQueue } from './subsidy-grant.server.ts'
import { smsQueue } from './sms.server.ts'
import { registryImportQueue } from './registry-import.server.ts'
import { statusReviewQueue } from './status-review.server.ts'
import { dueProcessQueue } from './due-process.server.ts'
import { operatingSubsidyQueue } from './operating-subsidy.server.ts'
import { retentionQueue } from './retention.server.ts'
import { bookingDigestQueue } from './booking-digest.server.ts'

export function allQueues() {
	return [allowanceQueue(), snapshotQueue(), marketplaceQueue(), subsidyGrantQueue(), subsidyClaimsQueue(), smsQueue(), statusReviewQueue(), registryImportQueue(), dueProcessQueue(), operatingSubsidyQueue(), retentionQueue(), bookingDigestQueue()]
}
