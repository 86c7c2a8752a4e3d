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

/** Whether the site is open at `now` (ms) in its time zone. No hours set: always open. */
export function isOpen(hours: BusinessHours | null, now: number): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  const minute = minutesOf(part('hour'), part('minute'));
  return (hours.weekly[day] ?? []).some((range) => {
    const open = parseOpeningRange(range);
    return open !== null && minute >= open.from && minute < open.to;
  });
}
