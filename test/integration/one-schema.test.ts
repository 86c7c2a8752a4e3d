import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../../server/domain/audit';
import { isSwitchboardError } from '../../shared/errors';
import { parseAgentPatchFlags, parseNewAgentFlags } from '../../scripts/agent-flags';
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
  'overlapping ranges on one day': { patch: { businessHours: hours({ mon: ['09:00-12:30', '12:00-18:00'] }) }, flags: hoursFlag({ mon: ['09:00-12:30', '12:00-18:00'] }) },
  'a holiday that is not a date': { patch: { businessHours: { ...hours({}), holidays: ['Christmas'] } }, flags: { 'business-hours': JSON.stringify({ ...hours({}), holidays: ['Christmas'] }) } },
  'a holiday on a day that does not exist': { patch: { businessHours: { ...hours({}), holidays: ['2026-02-30'] } }, flags: { 'business-hours': JSON.stringify({ ...hours({}), holidays: ['2026-02-30'] }) } },
  'a holiday listed twice': { patch: { businessHours: { ...hours({}), holidays: ['2026-12-25', '2026-12-25'] } }, flags: { 'business-hours': JSON.stringify({ ...hours({}), holidays: ['2026-12-25', '2026-12-25'] }) } },
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
  'accent colour by name': { patch: { widget: { accentColor: 'red' } }, flags: { 'accent-color': 'red' } },
  'accent colour in rgb()': { patch: { widget: { accentColor: 'rgb(255, 0, 0)' } }, flags: { 'accent-color': 'rgb(255, 0, 0)' } },
  'accent colour with a script in it': { patch: { widget: { accentColor: '#fff;background:url(javascript:alert(1))' } }, flags: { 'accent-color': '#fff;background:url(javascript:alert(1))' } },
  'avatar over plain http': { patch: { widget: { avatarUrl: 'http://cdn.example/team.png' } }, flags: { 'avatar-url': 'http://cdn.example/team.png' } },
  'avatar as a javascript: address': { patch: { widget: { avatarUrl: 'javascript:alert(1)' } }, flags: { 'avatar-url': 'javascript:alert(1)' } },
  'avatar address breaking out of its attribute': { patch: { widget: { avatarUrl: 'https://cdn.example/a.png" onerror="alert(1)' } }, flags: { 'avatar-url': 'https://cdn.example/a.png" onerror="alert(1)' } },
  'accent colour in three digits': { patch: { widget: { accentColor: '#f00' } }, flags: { 'accent-color': '#f00' } },
  'launcher in the middle': { patch: { widget: { position: 'center' } }, flags: { position: 'center' } },
  'greeting too long': { patch: { widget: { greeting: 'x'.repeat(501) } }, flags: { greeting: 'x'.repeat(501) } },
  'initials not a boolean': { patch: { widget: { agentInitials: 'yes' } }, flags: { 'agent-initials': 'yes' } },
  'a language without a catalogue': { patch: { widget: { defaultLanguage: 'nl' } }, flags: { 'default-language': 'nl' } },
  'wording of an unknown key': { patch: { widget: { strings: { fr: { titel: 'Bonjour' } } } }, flags: { strings: '{"fr":{"titel":"Bonjour"}}' } },
  'wording for a language without a catalogue': { patch: { widget: { strings: { nl: { title: 'Hallo' } } } }, flags: { strings: '{"nl":{"title":"Hallo"}}' } },
  'an empty wording': { patch: { widget: { strings: { de: { send: '' } } } }, flags: { strings: '{"de":{"send":""}}' } },
};

/** What a refusal says, whichever way it came: its code and details (path and problem). */
const refusalOf = (error: unknown) => {
  if (!isSwitchboardError(error)) throw error;
  return { code: error.code, details: error.details };
};

describe('one schema per input: REST, the CLI and the domain refuse the same bad value the same way', () => {
  let started: StartedApp;
  let adminCookie: string;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterAll(() => started?.close());

  it.each(Object.entries(BAD_SETTINGS))('site settings: %s', async (_name, { patch, flags }) => {
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
    const overlap = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { businessHours: hours({ wed: ['13:00-18:00', '09:00-13:30'] }) });
    expect(await overlap.json()).toMatchObject({
      error: { code: 'PAYLOAD_INVALID', details: { path: '/businessHours/weekly/wed/1', problem: '"09:00-13:30" and "13:00-18:00" overlap on wed' } },
    });
    const colour = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { widget: { accentColor: 'red' } });
    expect(await colour.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID', details: { path: '/widget/accentColor', problem: '"red" is not a colour: give six hex digits like #1d4ed8' } } });
    const holiday = await siteApi(started, 'PATCH', '/routing/settings', adminCookie, { businessHours: { ...hours({}), holidays: ['2026-13-01'] } });
    expect(await holiday.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID', details: { path: '/businessHours/holidays/0', problem: '"2026-13-01" is not a date like 2026-12-25' } } });
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

  it.each([
    ['a negative capacity', { capacity: -1 }, { capacity: '-1' }],
    ['a capacity over the limit', { capacity: 21 }, { capacity: '21' }],
    ['a fractional capacity', { capacity: 1.5 }, { capacity: '1.5' }],
    ['a capacity in words', { capacity: 'lots' }, { capacity: 'lots' }],
    ['disabled neither true nor false', { disabled: 'maybe' }, { disabled: 'maybe' }],
  ])('agent changes: %s', async (_name, patch, flags) => {
    const agentId = started.serviceAgent.view.id;
    const before = await started.app.store.getAgent(started.siteKey, agentId);
    const response = await siteApi(started, 'PATCH', `/agents/${agentId}`, adminCookie, patch);
    expect(response.status).toBe(400);
    const rest = ((await response.json()) as { error: { code: string; details: unknown } }).error;
    const cli = (() => {
      try {
        return parseAgentPatchFlags(flags);
      } catch (error) {
        return refusalOf(error);
      }
    })();
    const domain = await started.app.agentAccounts.updateAgent(started.siteKey, agentId, patch as never, 'test').catch(refusalOf);
    expect(rest).toMatchObject({ code: 'PAYLOAD_INVALID', details: { path: `/${Object.keys(patch)[0]}` } });
    expect({ code: rest.code, details: rest.details }).toEqual(cli);
    expect(domain).toEqual(cli);
    expect(await started.app.store.getAgent(started.siteKey, agentId)).toEqual(before);
  });

  it.each([
    ['a short password', { password: 'short' }],
    ['an unknown skill', { skills: 'service,sales' }],
    ['an unknown role', { role: 'boss' }],
    ['a capacity over the limit', { capacity: '21' }],
    ['an email that is not one', { email: 'nobody' }],
  ])('new agents (CLI and domain; REST has no such route): %s', async (_name, change) => {
    const flags = { site: started.siteKey, email: 'new-agent@agents.example', password: 'long-enough', skills: 'service', ...change };
    const cli = (() => {
      try {
        return parseNewAgentFlags(flags);
      } catch (error) {
        return refusalOf(error);
      }
    })();
    const input = { siteKey: flags.site, email: flags.email, password: flags.password, skills: flags.skills.split(','), ...('role' in change ? { role: change.role } : {}), ...('capacity' in change ? { capacity: Number(change.capacity) } : {}) };
    const domain = await started.app.agentAccounts.addAgent(input as never).catch(refusalOf);
    expect(cli).toMatchObject({ code: 'PAYLOAD_INVALID', details: { path: expect.stringMatching(/^\/(password|skills|role|capacity|email)/) } });
    expect(domain).toEqual(cli);
    expect(await started.app.store.findAgentByEmail(flags.email)).toBeNull();
  });

  it.each([
    ['white space only', '   '],
    ['punctuation only', '?!…'],
    ['one letter', 'a'],
    ['two letters', 'ok'],
    ['an article', 'the'],
    ['a greeting', 'Hello'],
    ['only words every message has', 'Hi, I need help please'],
    ['French small talk', 'Bonjour, j’ai une question'],
  ])('routing rules (REST, the CLI’s domain call and the domain): a phrase that matches everything, %s, is ROUTING_RULE_TOO_BROAD', async (_name, phrase) => {
    const response = await siteApi(started, 'POST', '/routing/rules', adminCookie, { phrase, queue: 'support' });
    expect(response.status).toBe(400);
    const rest = ((await response.json()) as { error: { code: string; details: unknown } }).error;
    expect(rest).toMatchObject({ code: 'ROUTING_RULE_TOO_BROAD', details: { path: '/phrase', problem: expect.stringContaining(phrase) } });
    const domain = await started.app.siteRouting.addRule(started.siteKey, { phrase, queue: 'support' }, OPERATOR).catch(refusalOf);
    expect(domain).toEqual({ code: rest.code, details: rest.details });
    expect(await started.app.store.listRoutingRules(started.siteKey)).toEqual([]);
  });

  it.each([
    ['an unknown queue', { phrase: 'refund', queue: 'sales' }],
    ['an empty phrase', { phrase: '', queue: 'service' }],
    ['an extra field', { phrase: 'refund', queue: 'service', colour: 'red' }],
  ])('routing rules (REST and the domain): %s', async (_name, rule) => {
    const response = await siteApi(started, 'POST', '/routing/rules', adminCookie, rule);
    expect(response.status).toBe(400);
    const rest = ((await response.json()) as { error: { code: string; details: unknown } }).error;
    const domain = await started.app.siteRouting.addRule(started.siteKey, rule as never, OPERATOR).catch(refusalOf);
    expect(domain).toEqual({ code: 'PAYLOAD_INVALID', details: rest.details });
    expect(await started.app.store.listRoutingRules(started.siteKey)).toEqual([]);
  });
});
