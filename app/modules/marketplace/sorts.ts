// The search page's sort orders, in a module of their own (no zod): the page lists them in the browser.
export const SORTS = ['relevance', 'price_asc', 'price_desc', 'rating', 'grade'] as const
