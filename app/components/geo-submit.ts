import type { SubmitFunction } from '@remix-run/react'

/**
 * Posts `form` with the phone's position added (lat, lng), for forms that record where the user
 * stands. When the phone has no location or the user refuses it, `onError` gets which ('geoUnavailable',
 * 'geoDenied') and nothing is sent.
 */
export function submitWithPosition(form: HTMLFormElement, submit: SubmitFunction, onError: (why: 'geoUnavailable' | 'geoDenied') => void) {
	if (!('geolocation' in navigator)) return onError('geoUnavailable')
	navigator.geolocation.getCurrentPosition(
		(pos) => {
			const fd = new FormData(form)
			fd.set('lat', String(pos.coords.latitude))
			fd.set('lng', String(pos.coords.longitude))
			submit(fd, { method: 'post' })
		},
		() => onError('geoDenied'),
		{ enableHighAccuracy: true, timeout: 15_000 },
	)
}
