// The queue dashboard (Bull Board) for administrators only. Mounted on express before Remix's
// catch-all; every request, including its API and static assets, passes the admin session check.
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import type { Express, NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express'
import { allQueues } from '~/jobs/all.server.ts'
import { getSessionUser } from '~/modules/auth/session.server.ts'

export const BULL_BOARD_PATH = '/admin/queues'

/** Reads the session from the express request the way Remix routes do from a Fetch Request. */
export async function requireAdminMiddleware(req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
	try {
		const request = new Request(`http://localhost${req.originalUrl}`, { headers: { cookie: req.headers.cookie ?? '' } })
		const user = await getSessionUser(request)
		if (!user) {
			res.redirect(302, `/login?redirectTo=${encodeURIComponent(req.originalUrl)}`)
			return
		}
		if (user.role !== 'admin') {
			res.status(403).type('text/plain; charset=utf-8').send('Administrators only. 仅限系统管理员。')
			return
		}
		next()
	} catch (error) {
		next(error)
	}
}

export function mountBullBoard(app: Express) {
	const serverAdapter = new ExpressAdapter()
	serverAdapter.setBasePath(BULL_BOARD_PATH)
	createBullBoard({ queues: allQueues().map((queue) => new BullMQAdapter(queue)), serverAdapter, options: { uiConfig: { boardTitle: 'Yiyang queues' } } })
	app.use(BULL_BOARD_PATH, requireAdminMiddleware, serverAdapter.getRouter())
}
