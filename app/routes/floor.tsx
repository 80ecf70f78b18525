import { useLoaderData } from '@remix-run/react'
import { getEnv } from '~/lib/env.server.ts'
import { invariantResponse } from '~/lib/http.server.ts'

function onlyForBenchmarks() {
	invariantResponse(getEnv().BENCH_FLOOR === 'true', 'Not found', { status: 404 })
}

// The benchmarks' floor: a bare Remix route with a trivial loader and action, rendered through the
// same server, root and layout as every page, so ratios measure what our own pages add.
export async function loader() {
	onlyForBenchmarks()
	return { at: Date.now() }
}

export async function action() {
	onlyForBenchmarks()
	return { ok: true }
}

export default function Floor() {
	const { at } = useLoaderData<typeof loader>()
	return <p>floor {at}</p>
}
