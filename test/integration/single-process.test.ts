/**
 * SINGLE_PROCESS=true skips the Socket.IO Redis adapter, which is only safe alone on a Redis and
 * prefix: a second server of either kind refuses to start (server/store/redis/process-lease.ts),
 * and the lease is given back on close so a restart need not wait.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { MessageView, TakenConversation } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable, deletePrefix, testPrefix } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';
import { randomUUID } from 'node:crypto';

const SINGLE = { SINGLE_PROCESS: 'true' };

describe('SINGLE_PROCESS', () => {
  const started: StartedApp[] = [];
  const prefixes: string[] = [];
  const freshPrefix = (): string => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(() => assertRedisReachable());
  afterEach(async () => {
    disconnectAll();
    for (const app of started.splice(0).reverse()) await app.close();
    for (const prefix of prefixes.splice(0)) await deletePrefix(prefix);
  });

  it('delivers without the adapter: a visitor and an agent on the one server chat', async () => {
    const a = await startApp({ env: SINGLE });
    started.push(a);
    await a.app.siteRouting.updateSettings(a.siteKey, { assignment: 'auto' }, 'test');
    const agent = await connectAgent(a.url, a.serviceAgent);
    const visitor = await connectVisitor(a.url, { siteKey: a.siteKey });
    const assigned = waitFor<[TakenConversation]>(agent, 'conversation:assigned');
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?', topic: 'service' }));
    const [{ conversation }] = await assigned;
    const arrived = waitFor<[MessageView]>(agent, 'message:new');
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'It was due on Monday' }));
    expect((await arrived)[0].text).toBe('It was due on Monday');
    const reply = waitFor<[MessageView]>(visitor, 'message:new');
    expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Let me look' }));
    expect((await reply)[0].text).toBe('Let me look');
  });

  it('tells a visitor’s other tab of the message one tab sent, and the sending tab only in its ack', async () => {
    const a = await startApp({ env: SINGLE });
    started.push(a);
    const first = await connectVisitor(a.url, { siteKey: a.siteKey });
    const { token } = expectOk(await emitWithTimeout(first, 2000, 'session:resume', {}));
    const heardByFirst: MessageView[] = [];
    first.on('message:new', (message) => heardByFirst.push(message));
    expectOk(await emitWithTimeout(first, 2000, 'message:send', { clientId: randomUUID(), text: 'My parcel is late', topic: 'service' }));
    const second = await connectVisitor(a.url, { siteKey: a.siteKey, token });
    const heardBySecond = waitFor<[MessageView]>(second, 'message:new');
    const sent = expectOk(await emitWithTimeout(first, 2000, 'message:send', { clientId: randomUUID(), text: 'It was due on Monday' }));
    expect((await heardBySecond)[0]).toMatchObject({ id: sent.message.id, text: 'It was due on Monday' });
    // The other way round, so that the first tab would have had time to hear its own message.
    const heardBack = waitFor<[MessageView]>(first, 'message:new');
    expectOk(await emitWithTimeout(second, 2000, 'message:send', { clientId: randomUUID(), text: 'Order 4411' }));
    expect((await heardBack)[0].text).toBe('Order 4411');
    expect(heardByFirst.map((m) => m.text)).toEqual(['Order 4411']);
  });

  it('refuses a second server of either kind on the same Redis and prefix, and frees the prefix on close', async () => {
    const prefix = freshPrefix();
    const first = await startApp({ prefix, env: SINGLE });
    await expect(startApp({ prefix, env: SINGLE })).rejects.toThrow(/another single-process server/);
    await expect(startApp({ prefix })).rejects.toThrow(/SINGLE_PROCESS=true .* uses this Redis and prefix/);
    await first.close();
    const again = await startApp({ prefix, env: SINGLE });
    started.push(again);
  });

  it('refuses to run single-process beside a server that uses the adapter', async () => {
    const prefix = freshPrefix();
    const shared = await startApp({ prefix });
    started.push(shared);
    await expect(startApp({ prefix, env: SINGLE })).rejects.toThrow(/other server\(s\) use this Redis and prefix/);
  });
});
