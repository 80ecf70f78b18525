import { useLoaderData } from '@remix-run/react'

// The benchmarks' floor: a bare Remix route with a trivial loader and action, rendered through the
// same server, root and layout as every page, so ratios measure what our own pages add.
export async function loader() {
	return { at: Date.now() }
}

export async function action() {
	return { ok: true }
}

export default function Floor() {
	const { at } = useLoaderData<typeof loader>()
	return <p>floor {at}</p>
}
