import { describe, expect, it } from 'vitest';
import { linkify } from '../../shared/linkify';

describe('links in messages: only written-out web addresses, everything else as typed', () => {
  it('makes http and https addresses links and keeps the rest as text', () => {
    expect(linkify('see https://shop.example/orders/42, then reply')).toEqual([
      { text: 'see ' },
      { text: 'https://shop.example/orders/42', href: 'https://shop.example/orders/42' },
      { text: ', then reply' },
    ]);
    expect(linkify('(http://a.example/x?y=1).')).toEqual([
      { text: '(' },
      { text: 'http://a.example/x?y=1', href: 'http://a.example/x?y=1' },
      { text: ').' },
    ]);
  });

  it.each([
    'javascript:alert(1)',
    '<a href="https://evil.example">click</a>'.replace('https://evil.example', 'javascript:alert(1)'),
    '[your invoice](javascript:alert(document.cookie))',
    'data:text/html,<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'www.example.com without a scheme',
  ])('keeps %s as plain text', (text) => {
    expect(linkify(text)).toEqual([{ text }]);
  });

  it('links only the URL inside markdown or HTML, never their other parts', () => {
    const parts = linkify('[pay here](https://pay.example/x) and <a href="https://b.example">b</a>');
    expect(parts.filter((p) => 'href' in p).map((p) => (p as { href: string }).href)).toEqual(['https://pay.example/x', 'https://b.example/']);
    expect(parts.map((p) => p.text).join('')).toBe('[pay here](https://pay.example/x) and <a href="https://b.example">b</a>');
  });
});
