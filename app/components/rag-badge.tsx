import { useTranslation } from 'react-i18next'
import type { Rag } from '~/modules/beds/indicators.ts'

/** Red / amber / green against a plan target: the word says it, the colour only repeats it. */
export function RagBadge({ rag }: { rag: Rag | null }) {
	const { t } = useTranslation('beds')
	return <span className={`rag rag-${rag ?? 'none'}`} data-rag={rag ?? 'none'}>{t(`plan.rag.${rag ?? 'none'}`)}</span>
}
