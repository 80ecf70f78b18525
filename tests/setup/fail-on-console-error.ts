import { afterEach, vi } from 'vitest'

// An unexpected console.error is a bug the test did not notice: fail it (Epic Stack's habit).
// Installed once per process (a worker may run several files), collected per test.
const state = globalThis as typeof globalThis & { __yiyangConsoleErrors?: unknown[][] }
if (!state.__yiyangConsoleErrors) {
	state.__yiyangConsoleErrors = []
	const original = console.error
	console.error = (...args: unknown[]) => {
		state.__yiyangConsoleErrors!.push(args)
		original(...args)
	}
}
// What the previous file of this process printed after its last test is not this file's fault.
state.__yiyangConsoleErrors.length = 0
afterEach(() => {
	const seen = state.__yiyangConsoleErrors!.splice(0)
	if (seen.length && !(globalThis as { __allowConsoleError?: boolean }).__allowConsoleError) {
		throw new Error(`console.error was called during the test:\n${seen.map((a) => a.map(String).join(' ')).join('\n')}`)
	}
	vi.restoreAllMocks()
})
