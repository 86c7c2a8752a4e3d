import { describe, expect, it } from 'vitest';
import { createVisitorTokens } from '../../server/domain/visitor-tokens';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The character whose 6 bits differ from c's in the lowest bit only. */
const twin = (c: string) => BASE64URL[BASE64URL.indexOf(c) ^ 1]!;

describe('visitor tokens', () => {
  const tokens = createVisitorTokens(SECRET);

  it('issues a new visitor id with a token that verifies for its own site', () => {
    const { visitorId, token } = tokens.issue('site_a');
    expect(visitorId).toMatch(/^v_[A-Za-z0-9_-]{16}$/);
    expect(token.startsWith(`${visitorId}.`)).toBe(true);
    expect(tokens.verify(token, 'site_a')).toBe(visitorId);
  });

  it('keeps accepting tokens of a previous secret during a rotation, and re-signs them with the new one', () => {
    const before = createVisitorTokens(SECRET).issue('site_a');
    const rotated = createVisitorTokens(`${SECRET}-new-secret`, [SECRET]);
    expect(rotated.verify(before.token, 'site_a')).toBe(before.visitorId);
    const fresh = rotated.tokenFor('site_a', before.visitorId);
    expect(fresh).not.toBe(before.token);
    expect(createVisitorTokens(`${SECRET}-new-secret`).verify(fresh, 'site_a')).toBe(before.visitorId);
    expect(createVisitorTokens(`${SECRET}-new-secret`).verify(before.token, 'site_a')).toBeNull();
  });

  it('issues a different visitor every time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => tokens.issue('site_a').visitorId));
    expect(ids.size).toBe(100);
  });

  it('verifies with any instance made from the same secret (a restart, another server)', () => {
    const { visitorId, token } = tokens.issue('site_a');
    expect(createVisitorTokens(SECRET).verify(token, 'site_a')).toBe(visitorId);
  });

  it('refuses a token of another site, or made with another secret', () => {
    const { token } = tokens.issue('site_a');
    expect(tokens.verify(token, 'site_b')).toBeNull();
    expect(createVisitorTokens(`${SECRET}-other`).verify(token, 'site_a')).toBeNull();
  });

  it('refuses any change to the token, including one in the last character’s unused bits', () => {
    const { visitorId, token } = tokens.issue('site_a');
    const signature = token.slice(visitorId.length + 1);
    const changed = [
      `${visitorId}.${twin(signature[0]!)}${signature.slice(1)}`,
      `${visitorId}.${signature.slice(0, -1)}${twin(signature.at(-1)!)}`,
      `${visitorId.slice(0, -1)}${twin(visitorId.at(-1)!)}.${signature}`,
      `${visitorId}x.${signature}`,
      `${visitorId}.${signature}=`,
      `${visitorId}.${signature}.${signature}`,
      ` ${token}`,
    ];
    for (const forged of changed) expect(tokens.verify(forged, 'site_a'), forged).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['no dot', 'v_abcdefghijklmnop'],
    ['only a dot', '.'],
    ['no visitor id', '.abc'],
    ['no signature', 'v_abcdefghijklmnop.'],
    ['made up', `v_made_up.${'A'.repeat(43)}`],
    ['not base64url', 'v_abcdefghijklmnop.!!!!'],
  ])('refuses a malformed token (%s)', (_name, token) => {
    expect(tokens.verify(token, 'site_a')).toBeNull();
  });
});
