import { describe, expect, it } from 'vitest';
import type { SiteInfo, VisitorConversationView } from '../../shared/protocol';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { prechatComplete, prechatIdentity, showsPrechat } from '../../widget/app/prechat';

const site = (mode: 'off' | 'optional' | 'required') => ({ prechat: { mode, fields: ['name', 'email'] } }) as unknown as SiteInfo;
const conversation = (status: VisitorConversationView['status']) => ({ status }) as VisitorConversationView;

describe('the pre-chat form’s rules', () => {
  it('shows before a first message on a site that asks, to a visitor not identified, with no conversation open', () => {
    const none = { conversation: null, pending: [] };
    expect(showsPrechat({ site: site('required'), ...none }, false)).toBe(true);
    expect(showsPrechat({ site: site('optional'), ...none }, false)).toBe(true);
    expect(showsPrechat({ site: site('off'), ...none }, false)).toBe(false);
    expect(showsPrechat({ site: null, ...none }, false)).toBe(false);
    // Identified by the page, or answered / skipped already.
    expect(showsPrechat({ site: site('required'), ...none }, true)).toBe(false);
    // An open conversation, or a message already on its way, never sees it; after the end, a new one may.
    expect(showsPrechat({ site: site('required'), conversation: conversation('waiting'), pending: [] }, false)).toBe(false);
    expect(showsPrechat({ site: site('required'), conversation: conversation('active'), pending: [] }, false)).toBe(false);
    expect(showsPrechat({ site: site('required'), conversation: null, pending: [{}] }, false)).toBe(false);
    expect(showsPrechat({ site: site('required'), conversation: conversation('resolved'), pending: [] }, false)).toBe(true);
  });

  it('starts off on a new site', () => {
    expect(DEFAULT_SITE_SETTINGS.widget.prechat).toEqual({ mode: 'off', fields: ['name', 'email'] });
  });

  it('makes the email, lower-cased, the userId; a random id with only a name; nothing with neither', () => {
    const random = () => 'r-123';
    expect(prechatIdentity({ name: ' Ada ', email: ' Ada@Example.com ' }, random)).toEqual({ userId: 'ada@example.com', name: 'Ada', email: 'Ada@Example.com' });
    expect(prechatIdentity({ name: 'Ada' }, random)).toEqual({ userId: 'r-123', name: 'Ada' });
    expect(prechatIdentity({ email: 'a@b.c' }, random)).toEqual({ userId: 'a@b.c', email: 'a@b.c' });
    expect(prechatIdentity({ name: '  ', email: '' }, random)).toBeNull();
  });

  it('on required needs every field asked, well formed; on optional only what is given must be well formed', () => {
    const both = ['name', 'email'] as const;
    expect(prechatComplete('required', both, { name: 'Ada', email: 'ada@example.com' })).toBe(true);
    expect(prechatComplete('required', both, { name: '', email: 'ada@example.com' })).toBe(false);
    expect(prechatComplete('required', both, { name: 'Ada', email: '' })).toBe(false);
    expect(prechatComplete('required', both, { name: 'Ada', email: 'not an email' })).toBe(false);
    expect(prechatComplete('required', ['name'], { name: 'Ada', email: '' })).toBe(true);
    expect(prechatComplete('optional', both, { name: '', email: '' })).toBe(true);
    expect(prechatComplete('optional', both, { name: '', email: 'nope' })).toBe(false);
  });
});
