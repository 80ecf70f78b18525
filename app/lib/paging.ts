/**
 * The rows of a page of `pageSize` for Prisma's findMany, plus one more: that extra row tells
 * whether a next page exists without a count query (`hasMore: rows.length > pageSize`).
 */
export function pageWindow(page: number, pageSize: number) {
	return { skip: (page - 1) * pageSize, take: pageSize + 1 }
}
