// Table 2 of the plan (表2 "十三五"时期荆门民政事业发展主要指标), as published, and which of its rows
// the platform can measure. Rows it cannot measure (money standards, cremation, social work) are
// shown with their targets and no actual value, never a made-up one.
export type PlanRow = {
	no: number
	nameZh: string
	nameEn: string
	unit: string
	y2015: string
	y2020: string
	growth: string
	/** The measured indicator shown beside the target, if any. */
	actual?: 'bedsPer1000' | 'urbanCoverage' | 'villageCoverage' | 'tekunSupport'
	/** The measured value is a proxy (elderly-care centres, not every community service facility). */
	proxy?: boolean
}

export const PLAN_TABLE_2: readonly PlanRow[] = [
	{ no: 1, nameZh: '每千名老人拥有各类养老床位数', nameEn: 'Elderly-care beds per 1,000 elders', unit: '张', y2015: '30', y2020: '35', growth: '—', actual: 'bedsPer1000' },
	{ no: 2, nameZh: '城市低保月保障标准', nameEn: 'Urban minimum living standard (monthly)', unit: '元', y2015: '480', y2020: '770', growth: '10' },
	{ no: 3, nameZh: '农村低保年保障标准', nameEn: 'Rural minimum living standard (yearly)', unit: '元', y2015: '2800', y2020: '4000', growth: '7.5' },
	{ no: 4, nameZh: '农村五保供养服务机构集中供养能力', nameEn: 'Concentrated support capacity of rural 五保 institutions', unit: '%', y2015: '100', y2020: '100', growth: '—', actual: 'tekunSupport' },
	{ no: 5, nameZh: '年均遗体火化率', nameEn: 'Cremation rate', unit: '%', y2015: '98', y2020: '98', growth: '—' },
	{ no: 6, nameZh: '节地生态安葬率', nameEn: 'Land-saving ecological burial rate', unit: '%', y2015: '4', y2020: '26', growth: '—' },
	{ no: 7, nameZh: '公益性骨灰安放设施(含公益性公墓)县级行政区域覆盖率', nameEn: 'County coverage of public ash-placement facilities', unit: '%', y2015: '40', y2020: '70', growth: '—' },
	{ no: 8, nameZh: '城市社区综合服务设施覆盖率', nameEn: 'Urban community service facility coverage', unit: '%', y2015: '100', y2020: '100', growth: '—', actual: 'urbanCoverage', proxy: true },
	{ no: 9, nameZh: '农村社区综合服务设施覆盖率', nameEn: 'Rural community service facility coverage', unit: '%', y2015: '100', y2020: '100', growth: '—', actual: 'villageCoverage', proxy: true },
	{ no: 10, nameZh: '社会组织数', nameEn: 'Social organisations', unit: '个', y2015: '1200', y2020: '2000', growth: '13' },
	{ no: 11, nameZh: '社会工作专业人才数', nameEn: 'Professional social workers', unit: '名', y2015: '—', y2020: '3000', growth: '—' },
	{ no: 12, nameZh: '注册志愿者人数占居民人口的比例', nameEn: 'Registered volunteers as a share of residents', unit: '%', y2015: '5', y2020: '10', growth: '—' },
]

/** Elderly-care targets stated in the plan's text (not in Table 2) that the platform measures. */
export const PLAN_TEXT_TARGETS = [
	{ key: 'nursingShare', nameZh: '护理型床位比例', nameEn: 'Nursing-type share of beds', target: '40%', source: '“十三五”主要目标 · 养老服务' },
	{ key: 'urbanCoverage', nameZh: '居家养老服务设施覆盖城市社区', nameEn: 'Urban communities with a home-care centre', target: '100%', source: '到2020年……覆盖所有城市社区' },
	{ key: 'villageCoverage', nameZh: '农村社区建立互助照料中心', nameEn: 'Villages with a mutual-aid care centre', target: '≥ 60%', source: '60%以上的农村社区建立农村老年人互助照料中心' },
] as const
