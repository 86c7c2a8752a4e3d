import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../server/domain/webhook-signature';

const SECRET = 'whsec_test-secret';
const BODY = '{"id":"ev_1","type":"message.created"}';
const T = 1_765_000_000;

describe('webhook signatures', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, as docs/webhooks.md says', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, T, BODY)).toBe(`t=${T},v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    expect(verifyWebhook(signWebhook(SECRET, T, BODY), SECRET, BODY, 300, T + 299)).toBe(true);
    expect(verifyWebhook(signWebhook(SECRET, T, BODY), SECRET, BODY, 300, T - 299)).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a changed time, an old delivery and a malformed header', () => {
    const header = signWebhook(SECRET, T, BODY);
    expect(verifyWebhook(header, 'whsec_other', BODY, 300, T)).toBe(false);
    expect(verifyWebhook(header, SECRET, BODY.replace('ev_1', 'ev_2'), 300, T)).toBe(false);
    expect(verifyWebhook(header.replace(`t=${T}`, `t=${T + 1}`), SECRET, BODY, 300, T)).toBe(false);
    expect(verifyWebhook(header, SECRET, BODY, 300, T + 301)).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', `t=${T}`, `t=${T},v1=zz`, `t=soon,${header.split(',')[1]}`]) {
      expect(verifyWebhook(bad, SECRET, BODY, 300, T), String(bad)).toBe(false);
    }
  });

  it('accepts any of several v1 values (a secret rotation signs with both)', () => {
    const other = signWebhook('whsec_old', T, BODY).split(',')[1]!;
    expect(verifyWebhook(`${signWebhook(SECRET, T, BODY)},${other}`, SECRET, BODY, 300, T)).toBe(true);
    expect(verifyWebhook(`t=${T},${other}`, SECRET, BODY, 300, T)).toBe(false);
  });
});
