// The lists behind a run's counts and the reasons a run did not pay: shared by the server module and
// the page (a value imported from a *.server.ts module is empty in the browser bundle).
export const PEOPLE_KINDS = ['new', 'stopped', 'tier_changed', 'resumed', 'held', 'stop'] as const
export type PeopleKind = (typeof PEOPLE_KINDS)[number]
export const STOP_REASONS = ['death', 'cremation', 'moved_out', 'no_liveness'] as const
