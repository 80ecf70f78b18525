import { afterEach, vi } from 'vitest'

// An unexpected console.error is a bug the test did not notice: fail it (Epic Stack's habit).
let errors: unknown[][] = []
const original = console.error
console.error = (...args: unknown[]) => {
	errors.push(args)
	original(...args)
}
afterEach(() => {
	const seen = errors
	errors = []
	if (seen.length && !(globalThis as { __allowConsoleError?: boolean }).__allowConsoleError) {
		throw new Error(`console.error was called during the test:\n${seen.map((a) => a.map(String).join(' ')).join('\n')}`)
	}
	vi.restoreAllMocks()
})
