import { spawn, type SpawnOptions } from 'node:child_process'

/**
 * Runs a TypeScript entry point in a node process of its own, with tsx as a loader rather than
 * through npx: killing the returned child then really stops the program, and nothing is left
 * holding ports or pipes.
 */
export function spawnNode(entry: string, args: string[] = [], options: SpawnOptions = {}) {
	return spawn(process.execPath, ['--import', 'tsx', entry, ...args], options)
}
