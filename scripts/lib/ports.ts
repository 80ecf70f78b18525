import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'

function tryListen(port: number) {
	return new Promise<number | null>((resolve) => {
		const server = createServer()
		server.once('error', () => resolve(null))
		server.listen(port, '127.0.0.1', () => {
			const { port: bound } = server.address() as { port: number }
			server.close(() => resolve(bound))
		})
	})
}

/** A free port p with p + 1 free too (stripe-mock listens for HTTPS on the next port). */
export async function freePortPair(): Promise<number> {
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await tryListen(0)
		if (port && port < 65535 && (await tryListen(port + 1))) return port
	}
	throw new Error('no free pair of ports for stripe-mock')
}

/**
 * Test runs and the browser-test server use a stripe-mock of their own on free ports: another run
 * finishing (and stopping its stripe-mock) cannot pull it away mid-test.
 */
export async function choosePrivateStripeMock() {
	process.env.STRIPE_API_BASE ??= `http://127.0.0.1:${await freePortPair()}`
}

/**
 * A port the OS calls free now, found synchronously (in a child process): for a test that must name
 * its stand-in's address in the environment before the app's modules are imported (vi.hoisted). A
 * port picked at random instead can be taken (the OS hands ports of that range to outgoing
 * connections), and a listen on it then fails.
 */
export function freePortSync(): number {
	const script = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
	return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}
