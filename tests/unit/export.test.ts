import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { unzipSync, strFromU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { safeCell, toCsv, toXlsx } from '~/lib/export.server.ts'

// Issue 12 item 6: exports cannot attack their reader (CSV/formula injection).

const ATTACKS = ['=HYPERLINK("http://x","点我")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1)', '\tTAB', '\rCR']

describe('the product’s CSV/XLSX writer', () => {
	it('prefixes every cell a spreadsheet would evaluate, and leaves names and plain numbers alone', () => {
		for (const attack of ATTACKS) expect(safeCell(attack)).toBe(`'${attack}`)
		expect(safeCell('王秀英')).toBe('王秀英')
		expect(safeCell('-12.50')).toBe('-12.50')
		expect(safeCell(-12.5)).toBe(-12.5)
		expect(safeCell(null)).toBe('')
	})

	it('writes CSV with a byte-order mark and no cell starting with a formula character', () => {
		const csv = toCsv([['姓名 name', '金额'], ...ATTACKS.map((a) => [a, '100.00'])])
		expect(csv.startsWith('\uFEFF')).toBe(true)
		for (const attack of ATTACKS) expect(csv).toContain(`'${attack.replace(/"/g, '""')}`)
		expect(toCsv([['x']], { bom: false })).toBe('x\n')
	})

	it('writes exactly what csv-stringify writes for the same neutralised cells (quotes, commas, line breaks, numbers, empties)', () => {
		// A fixed pseudo-random sequence: the same cases on every run.
		let seed = 13
		const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n
		const pieces = ['王秀英', 'a', '1', ',', '"', '""', '\n', '\r', '\r\n', ' ', '=', '+', '-', '@', '\t', "'", '；', '（重发）', '-12.50', '0']
		const cell = (): string | number | null | undefined => {
			const kind = next(10)
			if (kind === 0) return null
			if (kind === 1) return undefined
			if (kind === 2) return [0, -1, 12.5, -12.5, 100000001, 0.1][next(6)]!
			let text = ''
			for (let k = next(5); k > 0; k--) text += pieces[next(pieces.length)]
			return text
		}
		for (let round = 0; round < 300; round++) {
			const rows = Array.from({ length: 1 + next(4) }, () => Array.from({ length: 1 + next(6) }, cell))
			expect(toCsv(rows, { bom: false })).toBe(stringify(rows.map((row) => row.map(safeCell))))
			expect(toCsv(rows)).toBe(`\uFEFF${stringify(rows.map((row) => row.map(safeCell)))}`)
		}
	})

	it('writes XLSX whose text cells are neutralised too', async () => {
		const file = await toXlsx([[{ value: '姓名' }, { value: '金额' }], ...ATTACKS.map((a) => [{ value: a }, { value: 1.5, type: Number }])], { sheet: 'x' })
		const xml = Object.entries(unzipSync(file))
			.filter(([name]) => name.endsWith('.xml'))
			.map(([, bytes]) => strFromU8(bytes))
			.join('\n')
		expect(xml).toContain("'=HYPERLINK")
		expect(xml).toContain("'@SUM(A1)")
		expect(xml).not.toMatch(/<f>/)
	})

	it('is the only module that writes CSV or XLSX', () => {
		const offenders: string[] = []
		const walk = (dir: string) => {
			for (const name of readdirSync(dir)) {
				const path = join(dir, name)
				if (statSync(path).isDirectory()) walk(path)
				else if (/\.(ts|tsx)$/.test(name) && path !== join('app', 'lib', 'export.server.ts') && /from ['"](csv-stringify|write-excel-file)/.test(readFileSync(path, 'utf8'))) offenders.push(path)
			}
		}
		walk('app')
		expect(offenders).toEqual([])
	})
})
