import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
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
