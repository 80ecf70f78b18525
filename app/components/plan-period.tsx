import { useTranslation } from 'react-i18next'
import { FilterSelect } from './filter-select.tsx'

/** The choice of a plan period (its targets) on the pages that measure against one (dashboard, plan). */
export function PeriodSelect({ periods, value }: { periods: readonly { id: string; nameZh: string; nameEn: string }[]; value: string | undefined }) {
	const { t, i18n } = useTranslation('beds')
	const zh = i18n.language === 'zh-CN'
	return <FilterSelect name="period" label={t('plan.period')} value={value ?? ''} options={periods.map((p) => ({ value: p.id, label: zh ? p.nameZh : p.nameEn }))} />
}
