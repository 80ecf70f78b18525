import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFoundUnless, requireId } from '~/lib/http.server.ts'
import { requireRole } from '~/modules/auth/access.server.ts'
import { paymentStatusOf } from '~/modules/marketplace/booking-read.server.ts'

// The booking's payment state alone, as JSON: the booking page polls it while it waits for Stripe's
// webhook (a wallet's QR code shown, or back from a wallet) and re-reads the whole page only once it
// changes. Cheap on a slow phone and on a busy server: one indexed row, no page data, no QR image.
export async function loader({ request, params }: LoaderFunctionArgs) {
	const user = await requireRole(request, ['family', 'provider_staff', 'bureau_district', 'bureau_city', 'admin'])
	const paymentStatus = notFoundUnless(await paymentStatusOf(user, requireId(params, 'bookingId')))
	return Response.json({ paymentStatus }, { headers: { 'Cache-Control': 'no-store' } })
}
