/**
 * "Forgot password" by email (issue 16): the same answer whether the email has an account or not, a
 * link that works once and expires after an hour, and a limit on requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD_RESET_TTL_MS } from '../../shared/limits';
import { logIn } from '../helpers/clients';
import { createInProcessJobs } from '../helpers/in-process-jobs';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

describe('forgot password, by email', () => {
  let started: StartedApp | undefined;
  let smtp: TestSmtpServer | undefined;
  let clock = Date.now();

  afterEach(async () => {
    await started?.close();
    await smtp?.close();
    started = smtp = undefined;
  });

  async function start(rateLimits = {}) {
    smtp = await startSmtpServer();
    started = await startApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Switchboard <chat@switchboard.test>' },
      overrides: { jobs: createInProcessJobs(), now: () => clock, ...(Object.keys(rateLimits).length ? { rateLimits } : {}) },
    });
    return started;
  }
  const post = (path: string, body: unknown) =>
    fetch(`${started!.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('emails a link that sets a new password once; an unknown email gets the same answer and no email', async () => {
    const s = await start();
    const unknown = await post('/password-resets', { email: 'nobody@agents.example' });
    expect([unknown.status, await unknown.json()]).toEqual([202, { requested: true }]);
    const known = await post('/password-resets', { email: s.serviceAgent.email.toUpperCase() });
    expect([known.status, await known.json()]).toEqual([202, { requested: true }]);
    await eventually(() => expect(smtp!.received).toHaveLength(1));
    const [email] = smtp!.received;
    expect(email!.to).toEqual([s.serviceAgent.email]);
    const token = /#reset=([A-Za-z0-9_-]+)/.exec(email!.text)![1]!;
    const cookie = await logIn(s.url, s.serviceAgent);

    expect((await post('/password-resets/confirm', { token, password: 'from-the-link' })).status).toBe(204);
    await logIn(s.url, { email: s.serviceAgent.email, password: 'from-the-link' });
    expect((await fetch(`${s.url}/api/v1/sessions/current`, { headers: { cookie } })).status).toBe(401);
    const reused = await post('/password-resets/confirm', { token, password: 'second-time' });
    expect([reused.status, ((await reused.json()) as { error: { code: string } }).error.code]).toEqual([400, 'RESET_TOKEN_INVALID']);
    await logIn(s.url, { email: s.serviceAgent.email, password: 'from-the-link' });
  });

  it('refuses a link past its hour, changing nothing', async () => {
    const s = await start();
    await post('/password-resets', { email: s.supportAgent.email });
    await eventually(() => expect(smtp!.received).toHaveLength(1));
    const token = /#reset=([A-Za-z0-9_-]+)/.exec(smtp!.received[0]!.text)![1]!;
    clock += PASSWORD_RESET_TTL_MS + 1;
    const expired = await post('/password-resets/confirm', { token, password: 'too-late-password' });
    expect([expired.status, ((await expired.json()) as { error: { code: string } }).error.code]).toEqual([400, 'RESET_TOKEN_INVALID']);
    await logIn(s.url, s.supportAgent);
  });

  it('limits requests per email address whether it has an account or not', async () => {
    const s = await start({ passwordResetsPerAccount: { limit: 2, windowMs: 60_000 } });
    for (const email of ['ghost@agents.example', s.bothAgent.email]) {
      expect((await post('/password-resets', { email })).status).toBe(202);
      expect((await post('/password-resets', { email })).status).toBe(202);
      const third = await post('/password-resets', { email });
      expect([third.status, ((await third.json()) as { error: { code: string } }).error.code]).toEqual([429, 'RATE_LIMITED']);
    }
  });
});
