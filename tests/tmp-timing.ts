import { HttpClient } from './setup/http.ts'
const c = new HttpClient('http://127.0.0.1:3232'); await c.login('13800000041', 'Yiyang2026!')
for (const p of ['/floor', '/bureau/beds', '/bureau/beds?district=zhongxiang&year=2015', '/elders']) {
	const times: number[] = []
	for (let i = 0; i < 30; i++) { const t = performance.now(); const r = await c.get(p); await r.text(); times.push(performance.now() - t) }
	times.sort((a, b) => a - b); console.log(p, 'median', times[15]!.toFixed(1), 'min', times[0]!.toFixed(1))
}
