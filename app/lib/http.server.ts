/** The client's address, for audit entries and sign-in limits (express trusts only a loopback proxy). */
export function clientIp(request: Request): string | null {
	return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || null
}
