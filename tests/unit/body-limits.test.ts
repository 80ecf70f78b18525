import { describe, expect, it } from 'vitest'
import { BODY_LIMITS, bodyLimit, REGISTRY_IMPORT_BODY_LIMIT } from '~/lib/http.server.ts'
import { MAX_UPLOAD_BYTES } from '~/modules/allowance/csv.server.ts'
import { MAX_IMPORT_BYTES } from '~/modules/registry-import/columns.ts'
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '~/modules/due-process/attachments.ts'
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from '~/modules/institutions/photos.server.ts'

// Issue 12 item 5: request bodies are limited before they are read: 1 MB for forms, the documented
// upload limit where a file is imported, 256 KB for the webhook.
const MULTIPART = 'multipart/form-data; boundary=x'
const FORM = 'application/x-www-form-urlencoded'

describe('body limits by route', () => {
	it('gives forms 1 MB, multipart or not, where no file is imported', () => {
		for (const path of ['/login', '/elders/new', '/bureau/allowance/settings', '/bureau/allowance/cremation/x/y']) {
			expect(bodyLimit(path, FORM), path).toBe(1024 * 1024)
			expect(bodyLimit(path, MULTIPART), path).toBe(1024 * 1024)
		}
	})

	it('gives the allowance imports their documented file limit plus the form parts, multipart only', () => {
		for (const path of ['/bureau/allowance/cremation', '/bureau/allowance/runs/6f1c6a1e-2b1d-4a43-9a53-0c6f4f0d8d11']) {
			expect(bodyLimit(path, MULTIPART), path).toBe(BODY_LIMITS.upload)
			expect(bodyLimit(path, FORM), path).toBe(BODY_LIMITS.form)
		}
		expect(BODY_LIMITS.upload).toBe(MAX_UPLOAD_BYTES + 64 * 1024)
	})

	it('gives the forms with photos or attachments three 2 MB files plus the form parts, multipart only', () => {
		for (const path of ['/bureau/construction', '/bureau/inspections', '/institution/inspections', '/subsidies/appeals']) {
			expect(bodyLimit(path, MULTIPART), path).toBe(BODY_LIMITS.photos)
			expect(bodyLimit(path, FORM), path).toBe(BODY_LIMITS.form)
		}
		expect(BODY_LIMITS.photos).toBe(MAX_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024)
		expect(BODY_LIMITS.photos).toBeGreaterThanOrEqual(MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 64 * 1024)
	})

	it('gives the registry import its 80 MB and the webhook 256 KB', () => {
		expect(bodyLimit('/registry/import', MULTIPART)).toBe(REGISTRY_IMPORT_BODY_LIMIT)
		expect(REGISTRY_IMPORT_BODY_LIMIT).toBe(MAX_IMPORT_BYTES + 64 * 1024)
		expect(bodyLimit('/resources/stripe-webhook', 'application/json')).toBe(256 * 1024)
	})
})
