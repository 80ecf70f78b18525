// WeChat Pay's QR code as an image the page can show without JavaScript: Stripe's own PNG when the
// intent carries one, else drawn here from the QR data string (the `qrcode` package, SVG).
import QRCode from 'qrcode'

export async function qrImageOf(step: { qrImage: string | null; qrData: string | null }): Promise<string | null> {
	if (step.qrImage) return step.qrImage
	if (!step.qrData) return null
	const svg = await QRCode.toString(step.qrData, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
	return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}
