/**
 * A site's opening hours in its own time zone: `{ timeZone: 'Europe/Paris', weekly: { mon:
 * ['09:00-12:30', '13:30-18:00'], … } }`; a day left out is closed. Outside them the widget offers
 * to leave a message instead of waiting for an agent.
 */
import { createError } from '../../shared/errors';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  timeZone: string;
  weekly: Partial<Record<Weekday, string[]>>;
}

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

const minutesOf = (hours: string, minutes: string) => Number(hours) * 60 + Number(minutes);

/** Checks business hours and returns them; throws PAYLOAD_INVALID saying what does not parse. */
export function parseBusinessHours(value: BusinessHours): BusinessHours {
  const invalid = (problem: string) => createError('PAYLOAD_INVALID', { path: '/businessHours', problem });
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value.timeZone });
  } catch {
    throw invalid(`unknown time zone "${value.timeZone}" (use an IANA name like Europe/Paris)`);
  }
  for (const [day, ranges] of Object.entries(value.weekly)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw invalid(`unknown day "${day}" (use ${WEEKDAYS.join(', ')})`);
    for (const range of ranges ?? []) {
      const match = RANGE.exec(range);
      if (!match) throw invalid(`"${range}" is not a range like 09:00-17:30`);
      const [, h1, m1, h2, m2] = match;
      if (minutesOf(h2!, m2!) > 24 * 60 || minutesOf(h1!, m1!) >= minutesOf(h2!, m2!)) throw invalid(`"${range}" ends before it starts`);
    }
  }
  return value;
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
    const [, h1, m1, h2, m2] = RANGE.exec(range)!;
    return minute >= minutesOf(h1!, m1!) && minute < minutesOf(h2!, m2!);
  });
}
