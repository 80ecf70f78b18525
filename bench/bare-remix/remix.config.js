/**
 * The floor for `npm run bench -- http`: a bare Remix app with one route, built by the same
 * `remix build` (classic compiler) with the same Remix, React and express from the project's
 * node_modules, the same module format and future flags as the app. It has no root loader, no
 * session, no translations, no security headers and no layout: what is left is the framework.
 */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
	serverModuleFormat: 'esm',
	serverPlatform: 'node',
	serverDependenciesToBundle: [],
	future: {
		v3_fetcherPersist: true,
		v3_relativeSplatPath: true,
		v3_throwAbortReason: true,
		v3_lazyRouteDiscovery: true,
		v3_singleFetch: true,
	},
}
