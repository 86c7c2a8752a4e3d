import { describe, expect, it } from 'vitest';
import { expandCannedText, insertCanned, matchShortcut, typedShortcut } from '../../shared/canned-text';

describe('canned replies in the composer', () => {
  it('fills every placeholder, with a sensible word for what is unknown', () => {
    const text = 'Hi {{visitor.firstName}} ({{visitor.name}}), {{agent.firstName}} of {{site.name}} here ({{agent.name}}).';
    expect(expandCannedText(text, { visitorName: 'Ada Lovelace', agentName: 'Sam Smith', siteName: 'Shop' })).toBe(
      'Hi Ada (Ada Lovelace), Sam of Shop here (Sam Smith).',
    );
    expect(expandCannedText('Hi {{visitor.firstName}}!', {})).toBe('Hi there!');
    expect(expandCannedText('Hi {{ visitor.firstName }}{{nope}}', { visitorName: '  ' })).toBe('Hi there');
  });

  it('opens on a /shortcut being typed at the start or after a space, and replaces only it', () => {
    expect(typedShortcut('/ref')).toBe('ref');
    expect(typedShortcut('Sure, /Ref')).toBe('ref');
    expect(typedShortcut('/')).toBe('');
    expect(typedShortcut('and/or')).toBeNull();
    expect(typedShortcut('/ref more')).toBeNull();
    expect(insertCanned('Sure, /ref', 'Your refund is on its way.')).toBe('Sure, Your refund is on its way.');
  });

  it('lists shortcuts that start with what was typed first', () => {
    const replies = [{ shortcut: 'prefund' }, { shortcut: 'refund' }, { shortcut: 'hello' }];
    expect(matchShortcut(replies, 'ref').map((r) => r.shortcut)).toEqual(['refund', 'prefund']);
    expect(matchShortcut(replies, '').map((r) => r.shortcut)).toEqual(['prefund', 'refund', 'hello']);
  });
});
