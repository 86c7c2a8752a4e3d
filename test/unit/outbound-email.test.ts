import { describe, expect, it } from 'vitest';
import { composeAnswerEmail } from '../../server/domain/answer-emails';
import { escapeHtml, formatUtc, indent, oneLine, plainTextAsHtml } from '../../server/domain/outbound-email';
import { composeTranscriptEmail } from '../../server/domain/transcripts';
import type { ConversationView, MessageView } from '../../shared/protocol';

const AT = Date.UTC(2026, 11, 7, 19, 47, 31);
const conversation = {
  id: 'c_1',
  siteKey: 's',
  visitorId: 'v_1',
  status: 'active',
  queue: 'service',
  preview: 'I was charged\r\ntwice <b>today</b>',
  createdAt: AT,
  queuedAt: AT,
  visitor: { userId: 'lin@example.com', name: 'Lin', email: 'lin@example.com', verified: false },
} as ConversationView;
const message = (author: 'visitor' | 'agent', text: string, minute: number): MessageView => ({
  id: `${AT + minute}-0`,
  conversationId: 'c_1',
  clientId: `client-${minute}`,
  author,
  ...(author === 'agent' ? { agentName: 'Ada' } : {}),
  text,
  createdAt: AT + minute * 60_000,
});

describe('the text of emails', () => {
  it('escapes every character HTML reads as markup', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(plainTextAsHtml('<script>alert(1)</script>')).not.toContain('<script>');
  });

  it('writes times in UTC to the minute, subjects on one line, quotes indented', () => {
    expect(formatUtc(AT)).toBe('2026-12-07 19:47 UTC');
    expect(oneLine('a\r\nb\t c ', 80)).toBe('a b c');
    expect(oneLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(indent('one\ntwo')).toBe('    one\n    two');
  });

  it('answers "Re: <preview>" from the site, with each reply, its agent and its time', () => {
    const email = composeAnswerEmail({ to: 'lin@example.com', siteName: 'Shop', conversation, replies: [message('agent', 'Refunded\nfully', 1)] });
    expect(email).toMatchObject({ to: 'lin@example.com', fromName: 'Shop', subject: 'Re: I was charged twice <b>today</b>' });
    expect(email.text).toContain('Hello Lin,\n\nAda from Shop answered your message:\n\nAda, 2026-12-07 19:48 UTC:\n    Refunded\n    fully\n');
    expect(email.html).toContain('&lt;b&gt;today&lt;/b&gt;');
  });

  it('transcribes every message in order with names, the visitor as their name', () => {
    const email = composeTranscriptEmail({
      to: 'lin@example.com',
      siteName: 'Shop',
      conversation,
      messages: [message('visitor', 'hello', 0), message('agent', 'hi Lin', 1)],
    });
    expect(email.subject).toBe('Your conversation with Shop (2026-12-07 19:47 UTC)');
    // The widget's download text (shared/transcript-text.ts), in UTC.
    expect(email.text).toContain('Conversation with Shop (times in UTC)\n\n[07/12/2026, 19:47] Lin: hello\n[07/12/2026, 19:48] Ada (Agent): hi Lin\n');
  });
});
