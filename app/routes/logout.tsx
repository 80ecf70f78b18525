import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { readProtectedForm } from '~/modules/auth/csrf.server.ts'
import { destroyUserSession } from '~/modules/auth/session.server.ts'

export async function loader() {
	return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
	await readProtectedForm(request)
	return destroyUserSession(request, '/')
}
