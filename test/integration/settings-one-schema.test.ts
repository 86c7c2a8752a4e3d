import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../../server/domain/audit';
import { isSwitchboardError } from '../../shared/errors';
import { parseSettingsFlags, type SettingsFlags } from '../../scripts/settings-flags';
import { logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

/** One bad value, as a REST body / domain patch and as the CLI's flags spell it. */
interface BadSetting {
  patch: Record<string, unknown>;
  flags: SettingsFlags;
}

const hours = (weekly: Record<string, unknown>, timeZone = 'UTC') => ({ timeZone, weekly });
const hoursFlag = (weekly: Record<string, unknown>, timeZone = 'UTC') => ({ 'business-hours': JSON.stringify(hours(weekly, timeZone)) });

const BAD_SETTINGS: Record<string, BadSetting> = {
  'topic question not a boolean': { patch: { topicQuestion: 'yes' }, flags: { 'topic-question': 'yes' } },
  'unknown fallback queue': { patch: { fallbackQueue: 'billing' }, flags: { fallback: 'billing' } },
  'retention of 0 days': { patch: { retentionDays: 0 }, flags: { 'retention-days': '0' } },
  'retention past ten years': { patch: { retentionDays: 3651 }, flags: { 'retention-days': '3651' } },
  'retention in words': { patch: { retentionDays: 'forever' }, flags: { 'retention-days': 'forever' } },
  'store-ip not a boolean': { patch: { storeVisitorIp: 'maybe' }, flags: { 'store-ip': 'maybe' } },
  'unknown assignment mode': { patch: { assignment: 'sometimes' }, flags: { assignment: 'sometimes' } },
  'abandon after 0 seconds': { patch: { abandonAfterSeconds: 0 }, flags: { 'abandon-after': '0' } },
  'abandon after more than a day': { patch: { abandonAfterSeconds: 86_401 }, flags: { 'abandon-after': '86401' } },
  'abandon after a fraction': { patch: { abandonAfterSeconds: 1.5 }, flags: { 'abandon-after': '1.5' } },
  'unknown time zone': { patch: { businessHours: hours({}, 'Nowhere/City') }, flags: hoursFlag({}, 'Nowhere/City') },
  'range in words': { patch: { businessHours: hours({ mon: ['9am-5pm'] }) }, flags: hoursFlag({ mon: ['9am-5pm'] }) },
  'range that ends before it starts': { patch: { businessHours: hours({ mon: ['17:00-09:00'] }) }, flags: hoursFlag({ mon: ['17:00-09:00'] }) },
  'unknown day': { patch: { businessHours: hours({ someday: ['09:00-10:00'] }) }, flags: hoursFlag({ someday: ['09:00-10:00'] }) },
  'business hours with an extra field': { patch: { businessHours: { ...hours({}), lunch: true } }, flags: { 'business-hours': JSON.stringify({ ...hours({}), lunch: true }) } },
  'negative verified priority': { patch: { verifiedPriorityMinutes: -1 }, flags: { 'verified-priority': '-1' } },
  'verified priority past a day': { patch: { verifiedPriorityMinutes: 1441 }, flags: { 'verified-priority': '1441' } },
  'nps not a boolean': { patch: { npsSurvey: 'often' }, flags: { nps: 'often' } },
  'negative reopen window': { patch: { reopenWithinMinutes: -1 }, flags: { 'reopen-within': '-1' } },
  'reopen window past a week': { patch: { reopenWithinMinutes: 10_081 }, flags: { 'reopen-within': '10081' } },
  'category with a pipe': { patch: { categories: { service: ['Fine', 'Not|fine'], support: [] } }, flags: { 'service-categories': 'Fine,Not|fine' } },
  'category listed twice': { patch: { categories: { service: ['Same', 'Same'], support: [] } }, flags: { 'service-categories': 'Same,Same' } },
  'too many categories': {
    patch: { categories: { service: [], support: Array.from({ length: 31 }, (_, i) => `C${i}`) } },
    flags: { 'support-categories': Array.from({ length: 31 }, (_, i) => `C${i}`).join(',') },
  },
  'category too long': { patch: { categories: { service: ['x'.repeat(41)], support: [] } }, flags: { 'service-categories': 'x'.repeat(41) } },
};

/** What a refusal says, whichever way it came: its code and details (path and problem). */
const refusalOf = (error: unknown) => {
  if (!isSwitchboardError(error)) throw error;
  return { code: error.code, details: error.details };
};

describe('site settings: one schema refuses the same bad value the same way by REST, the CLI and the domain', () => {
  let started: StartedApp;
  let adminCookie: string;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterAll(() => started?.close());

  it.each(Object.entries(BAD_SETTINGS))('%s', async (_name, { patch, flags }) => {
    const before = (await started.app.store.getSite(started.siteKey))!.settings;

    const response = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, patch);
    expect(response.status).toBe(400);
    const rest = ((await response.json()) as { error: { code: string; details: unknown } }).error;

    let cli: unknown;
    try {
      parseSettingsFlags(flags);
    } catch (error) {
      cli = refusalOf(error);
    }
    let domain: unknown;
    try {
      await started.app.siteRouting.updateSettings(started.siteKey, patch as never, OPERATOR);
    } catch (error) {
      domain = refusalOf(error);
    }

    const field = Object.keys(patch)[0]!;
    expect(rest).toMatchObject({ code: 'PAYLOAD_INVALID', details: { path: expect.stringMatching(new RegExp(`^/${field}`)), problem: expect.any(String) } });
    expect({ code: rest.code, details: rest.details }).toEqual(cli);
    expect(domain).toEqual(cli);
    expect((await started.app.store.getSite(started.siteKey))!.settings).toEqual(before);
  });

  it('names the bad value in words a site owner can act on', async () => {
    const refused = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { businessHours: hours({ tue: ['18:00-09:00'] }, 'Europe/Paris') });
    expect(await refused.json()).toMatchObject({
      error: { code: 'PAYLOAD_INVALID', details: { path: '/businessHours/weekly/tue/0', problem: '"18:00-09:00" is not a range like 09:00-17:30 that ends after it starts' } },
    });
    expect(() => parseSettingsFlags({ 'business-hours': JSON.stringify(hours({}, 'Mars/Olympus')) })).toThrow(
      expect.objectContaining({ details: { path: '/businessHours/timeZone', problem: 'unknown time zone "Mars/Olympus" (use an IANA name like Europe/Paris)' } }),
    );
    const unknownField = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { colour: 'red' });
    expect(await unknownField.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID', details: { path: '/colour', problem: 'is not a known field' } } });
  });

  it('accepts the same good values by all three, the CLI merging one queue’s categories with the other’s', async () => {
    const parsed = parseSettingsFlags({ 'abandon-after': '120', 'retention-days': 'none', 'business-hours': JSON.stringify(hours({ mon: ['09:00-24:00'] })), 'support-categories': 'API, SSO' });
    expect(parsed).toEqual({ changes: { abandonAfterSeconds: 120, retentionDays: null, businessHours: hours({ mon: ['09:00-24:00'] }) }, categories: { support: ['API', 'SSO'] } });

    const byRest = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { abandonAfterSeconds: 120, businessHours: hours({ mon: ['09:00-24:00'] }) });
    expect(byRest.status).toBe(200);
    expect(await byRest.json()).toMatchObject({ abandonAfterSeconds: 120, businessHours: hours({ mon: ['09:00-24:00'] }) });
    const byDomain = await started.app.siteRouting.updateSettings(started.siteKey, { abandonAfterSeconds: 300, businessHours: null }, OPERATOR);
    expect(byDomain).toMatchObject({ abandonAfterSeconds: 300, businessHours: null });
  });
});
