import { useLoaderData } from '@remix-run/react'

// The same trivial loader and markup as the app's /floor route.
export async function loader() {
	return { at: Date.now() }
}

export default function Floor() {
	const { at } = useLoaderData()
	return <p>floor {at}</p>
}
