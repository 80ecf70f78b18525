/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

declare module '@remix-run/server-runtime' {
	interface Future {
		v3_singleFetch: true
	}
}

export {}

declare module '@remix-run/server-runtime' {
	interface AppLoadContext {
		/** This request's Content-Security-Policy nonce (server.ts). */
		cspNonce?: string
	}
}
