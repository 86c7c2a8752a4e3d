import { describe, expect, it } from 'vitest';
import { isCalendarDate, isOpen, overlappingRanges } from '../../server/domain/business-hours';
import { ruleBreadthProblem } from '../../server/domain/routing/rule-breadth';
import { compilePayloadCheck } from '../../server/domain/validate';
import { BusinessHoursSchema } from '../../shared/schemas';

const paris = { timeZone: 'Europe/Paris', weekly: { mon: ['09:00-12:30', '13:30-18:00'], sat: ['10:00-14:00'] } };

describe('business hours in the site’s own time zone', () => {
  it.each([
    ['2026-11-23T08:30:00Z', true], // Monday 09:30 in Paris (UTC+1)
    ['2026-11-23T07:59:00Z', false], // Monday 08:59
    ['2026-11-23T11:45:00Z', false], // Monday 12:45, lunch
    ['2026-11-23T16:59:00Z', true], // Monday 17:59
    ['2026-11-23T17:00:00Z', false], // Monday 18:00, closed
    ['2026-11-24T10:00:00Z', false], // Tuesday: no hours
    ['2026-11-28T09:30:00Z', true], // Saturday 10:30
  ])('at %s it is open: %s', (at, open) => {
    expect(isOpen(paris, Date.parse(at))).toBe(open);
  });

  it('is always open when the site sets no hours', () => {
    expect(isOpen(null, Date.now())).toBe(true);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus', weekly: {} }, /unknown time zone/],
    [{ timeZone: 'UTC', weekly: { funday: ['09:00-10:00'] } }, /is not a known field/],
    [{ timeZone: 'UTC', weekly: { mon: ['9-5'] } }, /is not a range like 09:00-17:30/],
    [{ timeZone: 'UTC', weekly: { mon: ['18:00-09:00'] } }, /is not a range like 09:00-17:30 that ends after it starts/],
    [{ timeZone: 'UTC', weekly: { mon: ['25:00-26:00'] } }, /is not a range like 09:00-17:30/],
  ])('refuses hours that do not parse: %j', (hours, message) => {
    expect(() => compilePayloadCheck(BusinessHoursSchema)(hours)).toThrow(expect.objectContaining({ code: 'PAYLOAD_INVALID', details: expect.objectContaining({ problem: expect.stringMatching(message) }) }));
  });
});

describe('holidays and overlapping ranges', () => {
  const withHolidays = { ...paris, holidays: ['2026-11-23', '2026-12-25'] };

  it('is closed all day on a holiday, by the date in the site’s zone, and open as usual the day after', () => {
    expect(isOpen(withHolidays, Date.parse('2026-11-23T08:30:00Z'))).toBe(false); // Monday 09:30 in Paris, a holiday
    // Sunday 23:30 UTC is already Monday 00:30 in Paris: the holiday, though the UTC date is the 22nd (and no hours on Sunday anyway).
    expect(isOpen({ ...withHolidays, weekly: { ...paris.weekly, mon: ['00:00-24:00'] } }, Date.parse('2026-11-22T23:30:00Z'))).toBe(false);
    expect(isOpen(withHolidays, Date.parse('2026-11-30T08:30:00Z'))).toBe(true); // the next Monday
  });

  it.each([
    ['2026-12-25', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-5', false],
    ['Christmas', false],
    ['2026-12-25T00:00', false],
  ])('%s is a calendar date: %s', (date, ok) => {
    expect(isCalendarDate(date)).toBe(ok);
  });

  it.each([
    [{ mon: ['09:00-12:00', '12:00-18:00'] }, null], // touching is fine
    [{ mon: ['13:00-18:00', '09:00-12:00'] }, null], // any order
    [{ mon: ['09:00-12:30', '12:00-18:00'] }, { path: '/businessHours/weekly/mon/1', problem: '"09:00-12:30" and "12:00-18:00" overlap on mon' }],
    [{ tue: ['09:00-17:00'], fri: ['10:00-16:00', '08:00-24:00'] }, { path: '/businessHours/weekly/fri/1', problem: '"08:00-24:00" and "10:00-16:00" overlap on fri' }],
  ])('overlap in %j: %j', (weekly, expected) => {
    expect(overlappingRanges({ timeZone: 'UTC', weekly })).toEqual(expected);
  });
});

describe('routing rules that would match everything', () => {
  it.each(['', '   ', '?!', 'a', 'ok', 'the', 'Hello!', 'hi there', 'I need help, please', 'Hola, necesito ayuda por favor', 'Bonjour, j’ai une question'])('"%s" is too broad', (phrase) => {
    expect(ruleBreadthProblem(phrase)).toEqual(expect.any(String));
  });

  it.each(['api', 'refund', 'API key', 'my invoice', 'gift card', 'Loyalty-Card', 'I need a refund', '2FA code'])('"%s" is specific enough', (phrase) => {
    expect(ruleBreadthProblem(phrase)).toBeNull();
  });
});
