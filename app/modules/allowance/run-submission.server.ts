// Two-person control for runs the scheduler started: nobody "made" them, so one city officer submits
// the computed run (taking the maker's part) and another approves it. The approval's two-person check
// (app/modules/auth/two-person.server.ts) and a row trigger (allowance_run_two_person) read the maker
// as startedById, else submittedById.
import { z } from 'zod'
import { prisma } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'

/** The maker of a run (the officer who started it, else the one who submitted it), or null for an unknown run. */
export async function runMakers(runId: string): Promise<(string | null)[] | null> {
	if (!z.uuid().safeParse(runId).success) return null
	const run = await prisma.allowanceRun.findUnique({ where: { id: runId }, select: { startedById: true, submittedById: true } })
	return run ? [run.startedById ?? run.submittedById] : null
}

/** Who submitted a scheduler's run, for the run page. */
export async function runSubmission(runId: string, viewer: SessionUser) {
	if (!z.uuid().safeParse(runId).success) return null
	const run = await prisma.allowanceRun.findUnique({ where: { id: runId }, select: { startedById: true, submittedById: true, submittedAt: true } })
	if (!run || run.startedById) return null
	const by = run.submittedById ? await prisma.user.findUnique({ where: { id: run.submittedById }, select: { name: true } }) : null
	return { submittedBy: by?.name ?? null, submittedAt: run.submittedAt?.toISOString() ?? null, viewerIsSubmitter: run.submittedById === viewer.id }
}

/** A city officer submits a computed run the scheduler started; another city officer then approves it. */
export async function submitSchedulerRun(user: SessionUser, runId: string, ip: string | null): Promise<Outcome<null>> {
	if (user.role !== 'bureau_city') return fail('allowance:errors.run.cityOnly', 403)
	if (!z.uuid().safeParse(runId).success) return fail('allowance:errors.run.notFound', 404)
	const done = await sql`UPDATE allowance_run SET "submittedById" = ${user.id}::uuid, "submittedAt" = now()
		WHERE id = ${runId}::uuid AND status = 'awaiting_approval' AND "startedById" IS NULL AND "submittedById" IS NULL
		RETURNING month`.first<{ month: string }>()
	if (!done) {
		const run = await prisma.allowanceRun.findUnique({ where: { id: runId }, select: { id: true } })
		return run ? fail('errors.twoPerson.notSubmittable', 409) : fail('allowance:errors.run.notFound', 404)
	}
	await audit({ actor: user, action: 'allowance.run_submit', entityType: 'allowance_run', entityId: runId, details: { month: done.month }, ip })
	return ok()
}
