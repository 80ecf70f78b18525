// Run by tests/e2e/support/centre-booking.ts in a child process against the browser tests' database:
// a community centre of its own (day care, open every day) with its staff, a family whose new elder
// holds a day-care grant with this month's credit, and that elder's subsidised, confirmed booking,
// moved to today 08:00–16:00 Shanghai (the roll call takes a booking on its own day only, and the
// test must not depend on the hour it runs at). Prints what the test needs as JSON.
import { disconnectDb, prisma } from '~/lib/db.server.ts'
import { shanghaiDate } from '~/lib/time.ts'
import { centreBooking, familyWithGrant, makeCentre } from '../../factories/attendance.ts'

const centre = await makeCentre()
const { family, elderId } = await familyWithGrant('day_care', 'e2e-roll-call')
const booking = await centreBooking(family, elderId, centre.offeringId)
const today = shanghaiDate()
await prisma.booking.update({ where: { id: booking.id }, data: { startsAt: new Date(`${today}T08:00:00+08:00`), endsAt: new Date(`${today}T16:00:00+08:00`) } })
const elder = await prisma.elder.findUniqueOrThrow({ where: { id: elderId }, select: { name: true } })
process.stdout.write(JSON.stringify({ staffPhone: centre.staff.phone, familyPhone: family.phone, bookingId: booking.id, elderName: elder.name, status: booking.status, subsidyFen: booking.subsidyFen, day: today }))
await disconnectDb()
process.exit(0)
