/**
 * Whether a site is open, from its business hours (schema: `BusinessHoursSchema` in
 * shared/schemas.ts). Outside them the widget offers to leave a message instead of waiting.
 */
import type { BusinessHours, Weekday } from '../../shared/schemas';

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

const minutesOf = (hours: string, minutes: string) => Number(hours) * 60 + Number(minutes);

/** `09:00-17:30` as minutes of the day, or null when it is not a range that ends after it starts, by 24:00. */
export function parseOpeningRange(range: string): { from: number; to: number } | null {
  const match = RANGE.exec(range);
  if (!match) return null;
  const [, h1, m1, h2, m2] = match;
  const from = minutesOf(h1!, m1!);
  const to = minutesOf(h2!, m2!);
  return to <= 24 * 60 && from < to ? { from, to } : null;
}

/** Whether the runtime knows the IANA time zone `name`. */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `#1d4ed8`: the one spelling of a colour the widget's contrast check reads. */
export function isColour(value: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(value);
}

/** `2026-12-25`, a day that exists. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The first two ranges of one day that overlap (`09:00-12:00` and `11:30-14:00`), as the field and the
 * problem to tell the site owner; ranges that only touch (`…-12:00`, `12:00-…`) do not overlap.
 */
export function overlappingRanges(hours: BusinessHours): { path: string; problem: string } | null {
  for (const [day, ranges = []] of Object.entries(hours.weekly)) {
    const parsed = ranges.map((range, index) => ({ range, index, open: parseOpeningRange(range) })).filter((r) => r.open !== null);
    parsed.sort((a, b) => a.open!.from - b.open!.from);
    for (let i = 1; i < parsed.length; i++) {
      const [before, after] = [parsed[i - 1]!, parsed[i]!];
      if (after.open!.from < before.open!.to) {
        return { path: `/businessHours/weekly/${day}/${Math.max(before.index, after.index)}`, problem: `"${before.range}" and "${after.range}" overlap on ${day}` };
      }
    }
  }
  return null;
}

/** Whether the site is open at `now` (ms) in its time zone. No hours set: always open. A holiday: closed all day. */
export function isOpen(hours: BusinessHours | null, now: number): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  if (hours.holidays?.includes(`${part('year')}-${part('month')}-${part('day')}`)) return false;
  const day = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  const minute = minutesOf(part('hour'), part('minute'));
  return (hours.weekly[day] ?? []).some((range) => {
    const open = parseOpeningRange(range);
    return open !== null && minute >= open.from && minute < open.to;
  });
}
