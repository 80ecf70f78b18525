/** Remix v2, classic compiler. */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
	ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}', '**/__*.*'],
	serverModuleFormat: 'esm',
	serverPlatform: 'node',
	// Server-only dependencies stay external (node_modules), as Remix does by default for ESM, except
	// those plain Node cannot import as ESM (@stripe/stripe-js/pure is a directory import): production
	// runs build/index.js in plain node, not through tsx's resolver.
	serverDependenciesToBundle: [/^@stripe\/stripe-js/],
	future: {
		v3_fetcherPersist: true,
		v3_relativeSplatPath: true,
		v3_throwAbortReason: true,
		v3_lazyRouteDiscovery: true,
		v3_singleFetch: true,
	},
}
