import type { WorkerDefinition } from './definition.ts'
import { allowanceWorker } from './allowance.ts'
import { indicatorSnapshots } from './indicator-snapshots.ts'
import { retentionWorker } from './retention.ts'
import { marketplaceWorker } from './marketplace.ts'
import { subsidyClaimsWorker } from './subsidy-claims.ts'
import { subsidyGrantWorker } from './subsidy-grant.ts'
import { smsWorker } from './sms.ts'
import { registryImportWorker } from './registry-import.ts'
import { statusReviewWorker } from './status-review.ts'
import { dueProcessWorker } from './due-process.ts'
import { operatingSubsidyWorker } from './operating-subsidy.ts'
import { bookingDigestWorker } from './booking-digest.ts'

export type { WorkerDefinition } from './definition.ts'

export const WORKERS: WorkerDefinition[] = [allowanceWorker, indicatorSnapshots, marketplaceWorker, subsidyGrantWorker, subsidyClaimsWorker, smsWorker, statusReviewWorker, registryImportWorker, dueProcessWorker, operatingSubsidyWorker, retentionWorker, bookingDigestWorker]
