// Prints the demo officers' current TOTP code (the seed's DEMO_TOTP_SECRET), for signing in to the
// local demo without an authenticator app: `npm run demo:totp`.
import { generateTOTP } from '@epic-web/totp'
import { DEMO_TOTP_SECRET } from '../prisma/seed-data.ts'

const { otp } = await generateTOTP({ secret: DEMO_TOTP_SECRET, algorithm: 'SHA-1', digits: 6, period: 30 })
const left = 30 - (Math.floor(Date.now() / 1000) % 30)
console.log(`${otp}  (valid for ${left} s more; secret ${DEMO_TOTP_SECRET})`)
