// The downloadable report of a dry run: one CSV line per file line, through the formula-safe writer
// (app/lib/export.server.ts), streamed a page at a time so a city-size file is never in memory.
import { toCsv } from '~/lib/export.server.ts'
import type { i18n } from 'i18next'
import { ALL_COLUMNS, TEMPLATE_ROWS } from './columns.ts'
import { reportLines } from './read.server.ts'

export function reportStream(importId: string, t: i18n['t']): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder()
	const pages = reportLines(importId)
	let first = true
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (first) {
				first = false
				const head = [t('registryImport.report.line'), t('registryImport.report.outcome'), t('registryImport.report.reason'), t('registryImport.report.changed'), '姓名', '身份证号', '乡镇代码', '社区代码']
				controller.enqueue(encoder.encode(toCsv([head])))
				return
			}
			const next = await pages.next()
			if (next.done) return controller.close()
			const rows = next.value.map((l) => [
				l.line,
				l.outcome ? t(`registryImport.outcome.${l.outcome}`) : '',
				l.reason ? t(`registryImport.reason.${l.reason}`) : '',
				l.changedFields.map((f) => t(`registryImport.field.${f}`)).join('、'),
				l.name,
				l.idMasked ?? '',
				l.townshipCode,
				l.communityCode,
			])
			controller.enqueue(encoder.encode(toCsv(rows, { bom: false })))
		},
	})
}

/** The template: the header row and two example lines, UTF-8 with BOM so Excel opens it right. */
export function templateCsv() {
	return toCsv(TEMPLATE_ROWS)
}

export { ALL_COLUMNS }
