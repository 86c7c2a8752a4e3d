import { describe, expect, it } from 'vitest';
import { isOpen } from '../../server/domain/business-hours';
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
