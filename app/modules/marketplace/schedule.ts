// Weekly availability in Asia/Shanghai: rules give the slot start times of a date; exceptions close
// dates. Pure, so the search page, the booking check and the tests share it.
import { addDays, fromShanghai, SHANGHAI_OFFSET_MS, shanghaiDate } from '~/lib/time.ts'

export type Rule = { weekday: number; startMinute: number; endMinute: number; capacity: number }
export type SlotStart = { startsAt: Date; endsAt: Date; capacity: number }

/** ISO weekday (1 = Monday … 7 = Sunday) of a Shanghai calendar date. */
export function isoWeekday(date: string): number {
	const d = new Date(`${date}T00:00:00Z`).getUTCDay()
	return d === 0 ? 7 : d
}

export function minuteToTime(minute: number): string {
	return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`
}

export function timeToMinute(time: string): number | null {
	const m = /^(\d{2}):(\d{2})$/.exec(time)
	if (!m) return null
	const h = Number(m[1])
	const min = Number(m[2])
	if (h > 24 || min > 59 || (h === 24 && min > 0)) return null
	return h * 60 + min
}

/** Slot starts of one date: every durationMinutes from a rule's start while the visit fits before its end. */
export function slotsOnDate(date: string, rules: readonly Rule[], durationMinutes: number, closedDates: ReadonlySet<string>): SlotStart[] {
	if (closedDates.has(date)) return []
	const weekday = isoWeekday(date)
	const out: SlotStart[] = []
	for (const rule of rules) {
		if (rule.weekday !== weekday) continue
		for (let m = rule.startMinute; m + durationMinutes <= rule.endMinute; m += durationMinutes) {
			const startsAt = fromShanghai(date, minuteToTime(m))
			out.push({ startsAt, endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000), capacity: rule.capacity })
		}
	}
	return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
}

/** The schedule's slot at exactly this instant, or null when the schedule has none there. */
export function scheduledSlot(startsAt: Date, rules: readonly Rule[], durationMinutes: number, closedDates: ReadonlySet<string>): SlotStart | null {
	const date = shanghaiDate(startsAt)
	return slotsOnDate(date, rules, durationMinutes, closedDates).find((s) => s.startsAt.getTime() === startsAt.getTime()) ?? null
}

/** The next `count` slots after `from` that are not in `full` (keys: ISO start), within `days` days. */
export function nextFreeSlots(
	opts: { from: Date; days: number; count: number; rules: readonly Rule[]; durationMinutes: number; closedDates: ReadonlySet<string>; full: ReadonlySet<string> },
): SlotStart[] {
	const out: SlotStart[] = []
	const first = shanghaiDate(opts.from)
	for (let i = 0; i < opts.days && out.length < opts.count; i++) {
		for (const slot of slotsOnDate(addDays(first, i), opts.rules, opts.durationMinutes, opts.closedDates)) {
			if (slot.startsAt.getTime() <= opts.from.getTime()) continue
			if (opts.full.has(slot.startsAt.toISOString())) continue
			out.push(slot)
			if (out.length >= opts.count) break
		}
	}
	return out
}

/** Shanghai wall-clock "HH:MM" of an instant. */
export function shanghaiTime(at: Date): string {
	return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16)
}
