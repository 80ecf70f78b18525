// The schemas for actions and loaders only. A route that validates on the server alone imports them
// from here: Remix leaves *.server modules out of the browser build, and with them zod (about 440 KB),
// which the plain module would bring along for its top-level schema definitions.
export * from './schemas.ts'
