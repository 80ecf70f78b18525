// The bounds of the period the bureau may set for deceased elders' identity numbers (the database
// checks them too: identity_retention_years_range). Plain values: the page's choices use them.
export const RETENTION_YEARS_MIN = 5
export const RETENTION_YEARS_MAX = 30
export const RETENTION_YEAR_CHOICES = Array.from({ length: RETENTION_YEARS_MAX - RETENTION_YEARS_MIN + 1 }, (_, i) => String(RETENTION_YEARS_MIN + i)) as [string, ...string[]]
