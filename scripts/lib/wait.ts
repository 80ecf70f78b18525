import net from 'node:net'

/** Polls `fn` until it returns true; throws "<label> was not ready within N s" when time runs out. */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs: number, label: string, intervalMs = 250): Promise<void> {
	const deadline = Date.now() + timeoutMs
	for (;;) {
		if (await fn()) return
		if (Date.now() >= deadline) throw new Error(`${label} was not ready within ${Math.round(timeoutMs / 1000)} s`)
		await new Promise((resolve) => setTimeout(resolve, intervalMs))
	}
}

/** True when something accepts a TCP connection at host:port within the timeout. */
export function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port })
		const done = (ok: boolean) => {
			socket.destroy()
			resolve(ok)
		}
		socket.setTimeout(timeoutMs, () => done(false))
		socket.once('connect', () => done(true))
		socket.once('error', () => done(false))
	})
}
