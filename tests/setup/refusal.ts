// What the database said when it refused a statement: the rule's name (app/lib/db-rules.server.ts)
// and the message. Fails the test when the statement was not refused.
import { expect } from 'vitest'
import { ruleNameOf } from '~/lib/db-rules.server.ts'

export async function refusal(statement: Promise<unknown>) {
	const error = await statement.then(
		() => null,
		(e: unknown) => e,
	)
	expect(error, 'the statement must be refused').not.toBeNull()
	return { rule: ruleNameOf(error), message: (error as Error).message }
}
