import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/visitor-identity';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { QueueEntry } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

describe('visitor identity: verified only when the site signed it, never overwritten by a claim', () => {
  let started: StartedApp;
  let secret: string;
  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    secret = (await started.app.store.getSite(started.siteKey))!.identitySecret;
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('marks an identity verified when the hash is the site’s HMAC of the user id, and shows it to agents', async () => {
    const agent = await connectAgent(started.url, started.serviceAgent);
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I need a refund' }));
    const updated = waitFor<[QueueEntry]>(agent, 'queue:entered');
    const identity = expectOk(
      await emitWithTimeout(visitor, 2000, 'visitor:identify', {
        userId: 'user-42',
        name: 'Grace Hopper',
        email: 'grace@example.com',
        hash: identityHash(secret, 'user-42').toUpperCase(),
      }),
    );
    expect(identity).toEqual({ userId: 'user-42', name: 'Grace Hopper', email: 'grace@example.com', verified: true });
    expect((await updated)[0]).toMatchObject({ conversationId: conversation.id, visitor: { name: 'Grace Hopper', verified: true } });

    // A later claim without the signature cannot replace the verified customer.
    const claimed = expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'admin', name: 'Someone else' }));
    expect(claimed).toMatchObject({ userId: 'user-42', verified: true });
    expect((await started.app.store.getConversation(started.siteKey, conversation.id))?.visitor).toMatchObject({ userId: 'user-42' });
  });

  it('keeps an identity without a valid hash as unverified', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'u1', name: 'Al' }))).toEqual({
      userId: 'u1',
      name: 'Al',
      verified: false,
    });
    const forged = identityHash('not-the-site-secret', 'u1');
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'u1', hash: forged })).verified).toBe(false);
    const otherUsers = identityHash(secret, 'u2');
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'u1', hash: otherUsers })).verified).toBe(false);
  });

  it('carries the identity onto the conversations the visitor starts afterwards', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'u7', email: 'u7@example.com', hash: identityHash(secret, 'u7') }));
    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'where is my parcel' }));
    expect((await started.app.store.getConversation(started.siteKey, conversation.id))!.visitor).toEqual({ userId: 'u7', email: 'u7@example.com', verified: true });
  });

  it('refuses malformed identities and changes nothing', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    for (const payload of [{}, { userId: '' }, { userId: 'x'.repeat(129) }, { userId: 'u', hash: 'zz' }, { userId: 'u', email: 'nope' }, { userId: 'u', admin: true }]) {
      expectRefused(await emitWithTimeout(visitor, 2000, 'visitor:identify', payload as never), 'PAYLOAD_INVALID');
    }
    const session = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    expect(await started.app.store.getVisitorIdentity(started.siteKey, session.visitorId)).toBeNull();
  });
});

describe('secrets rotate without logging anyone out', () => {
  beforeAll(() => assertRedisReachable());
  afterEach(() => disconnectAll());

  it('accepts a token signed with the previous secret and hands back one signed with the new secret', async () => {
    const oldSecret = 'old-secret-that-is-long-enough-for-the-check';
    const newSecret = 'new-secret-that-is-long-enough-for-the-check';
    const before = await startApp({ env: { SESSION_SECRET: oldSecret } });
    const visitor = await connectVisitor(before.url, { siteKey: before.siteKey });
    const first = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    disconnectAll();

    // A second server on the same Redis with the rotated secrets, as a rolling deploy would start it.
    const after = await startApp({ prefix: before.prefix, env: { SESSION_SECRET: newSecret, SESSION_SECRET_PREVIOUS: oldSecret } });
    try {
      const back = await connectVisitor(after.url, { siteKey: after.siteKey, token: first.token });
      const session = expectOk(await emitWithTimeout(back, 2000, 'session:resume', {}));
      expect(session.visitorId).toBe(first.visitorId);
      expect(session.token).not.toBe(first.token);
      expect(after.app.visitorTokens.verify(session.token, after.siteKey)).toBe(first.visitorId);

      const withoutPrevious = await startApp({ prefix: before.prefix, env: { SESSION_SECRET: newSecret } });
      await expect(connectVisitor(withoutPrevious.url, { siteKey: after.siteKey, token: first.token })).rejects.toMatchObject({
        data: { code: 'VISITOR_TOKEN_INVALID' },
      });
      await withoutPrevious.app.close();
    } finally {
      await after.app.close();
      await before.close();
    }
  });
});

describe('cross-site request forgery', () => {
  let started: StartedApp;
  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterAll(() => started?.close());

  it('refuses a state-changing API call sent from another site’s page, and allows the console’s own', async () => {
    const body = JSON.stringify({ email: started.serviceAgent.email, password: started.serviceAgent.password });
    const from = (origin: string) =>
      fetch(`${started.url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body });
    const forged = await from('https://evil.example');
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect((await from('null')).status).toBe(403);
    expect((await from(started.url)).status).toBe(200);
  });
});
