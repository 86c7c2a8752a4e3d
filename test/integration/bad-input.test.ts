import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { addSite } from '../../server/domain/sites';
import { createMemoryStore } from '../../server/store/memory/memory-store';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ErrorCode, WireError } from '../../shared/errors';
import type { ConversationId } from '../../shared/ids';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits';
import type { Ack, AgentClientEvents, VisitorClientEvents } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { snapshotPrefix } from '../helpers/redis-snapshot';
import { QUIET_SWEEP_ENV } from '../helpers/data-snapshot';
import { SHOP_ORIGIN, startApp, type StartedApp } from '../helpers/start-app';

const ACK_MS = 5_000;
const OTHER_ORIGIN = 'https://other-shop.example';

/** A payload as a client in any language could send it: sent as is, whatever its type. */
type RawEmitter = { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<unknown>> } };
const raw = (socket: VisitorClient | AgentClient) => socket as unknown as RawEmitter;

/** JSON with an own `__proto__` key, as a hostile client would put on the wire. */
const withProtoKey = (payload: object): object => {
  const rest = JSON.stringify(payload).slice(1, -1);
  return JSON.parse(`{"__proto__":{"polluted":true}${rest ? `,${rest}` : ''}}`) as object;
};

interface Fixture {
  /** Waiting in the service queue. */
  waiting: ConversationId;
  /** Held by the service agent (sam). */
  active: ConversationId;
  activeVisitorToken: string;
  /** Resolved by sam. */
  resolved: ConversationId;
  /** Waiting on the other site. */
  otherSite: ConversationId;
  otherSiteKey: string;
  otherSiteToken: string;
}

describe('bad input gets a stable error code and changes nothing', () => {
  let started: StartedApp;
  let fixture: Fixture;
  let cookies: { sam: string; sasha: string; bo: string };

  /** Runs `act` and checks that no key under the app's prefix was added, removed or changed. */
  async function changesNothing(act: () => Promise<void>): Promise<void> {
    const before = await snapshotPrefix(started.prefix);
    await act();
    expect(await snapshotPrefix(started.prefix)).toEqual(before);
  }

  async function openConversation(siteKey: string, text: string, origin = SHOP_ORIGIN) {
    const visitor = await connectVisitor(started.url, { siteKey }, { origin });
    const { token } = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));
    const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text }));
    return { visitor, token, id: sent.conversation.id };
  }

  beforeAll(async () => {
    await assertRedisReachable();
    // Its fixtures (an active conversation held by an agent no longer connected) must outlive a slow run.
    started = await startApp({ env: QUIET_SWEEP_ENV });
    const { url, siteKey, app } = started;
    const otherSiteKey = `${siteKey}_other`;
    await addSite(app.store, { key: otherSiteKey, name: 'Other shop', origins: [OTHER_ORIGIN] });
    cookies = {
      sam: await logIn(url, started.serviceAgent),
      sasha: await logIn(url, started.supportAgent),
      bo: await logIn(url, started.bothAgent),
    };
    const sam = await connectAgent(url, cookies.sam);

    const waiting = await openConversation(siteKey, 'I was charged twice for my order');
    const active = await openConversation(siteKey, 'Please cancel my order');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:take', { conversationId: active.id }));
    const resolved = await openConversation(siteKey, 'How much is shipping?');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:take', { conversationId: resolved.id }));
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:resolve', { conversationId: resolved.id }));
    const otherSite = await openConversation(otherSiteKey, 'Where is my refund?', OTHER_ORIGIN);
    fixture = {
      waiting: waiting.id,
      active: active.id,
      activeVisitorToken: active.token,
      resolved: resolved.id,
      otherSite: otherSite.id,
      otherSiteKey,
      otherSiteToken: otherSite.token,
    };
    disconnectAll();
  });
  afterEach(() => disconnectAll());
  afterAll(async () => {
    // Nothing any test sent reached Object.prototype of this process, which runs the server.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await started?.close();
  });

  describe('socket payloads that fail their schema get PAYLOAD_INVALID', () => {
    const notAnObject: [string, unknown[]][] = [
      ['no payload at all', []],
      ['null', [null]],
      ['an array', [[]]],
      ['a string', ['{"clientId":"x"}']],
      ['a number', [42]],
      ['two payloads', [{}, {}]],
    ];

    const visitorCases: [event: keyof VisitorClientEvents, name: string, args: unknown[]][] = [
      ...notAnObject.map(([name, args]) => ['session:resume', name, args] as [keyof VisitorClientEvents, string, unknown[]]),
      ...notAnObject.map(([name, args]) => ['message:send', name, args] as [keyof VisitorClientEvents, string, unknown[]]),
      ['session:resume', 'an unknown field', [{ conversationId: 'c_someone_else' }]],
      ['session:resume', 'a `__proto__` key', [withProtoKey({})]],
      ['session:resume', 'lastMessageId of the wrong type', [{ lastMessageId: 17 }]],
      ['session:resume', 'lastMessageId that is not a message id', [{ lastMessageId: 'latest' }]],
      ['session:resume', 'lastMessageId beyond any stream id', [{ lastMessageId: '99999999999999999999-99999999999999999999' }]],
      ['session:resume', 'a huge lastMessageId', [{ lastMessageId: `1-${'9'.repeat(50_000)}` }]],
      ['message:send', 'no clientId', [{ text: 'hello' }]],
      ['message:send', 'no text', [{ clientId: randomUUID() }]],
      ['message:send', 'text of the wrong type', [{ clientId: randomUUID(), text: ['hello'] }]],
      ['message:send', 'clientId of the wrong type', [{ clientId: 12345678, text: 'hello' }]],
      ['message:send', 'a clientId too short to be unique', [{ clientId: 'abc', text: 'hello' }]],
      ['message:send', 'a clientId with odd characters', [{ clientId: '../../../etc/passwd', text: 'hello' }]],
      ['message:send', 'a huge clientId', [{ clientId: 'a'.repeat(50_000), text: 'hello' }]],
      ['message:send', 'an unknown field', [{ clientId: randomUUID(), text: 'hello', conversationId: 'c_x' }]],
      ['message:send', 'a `__proto__` key', [withProtoKey({ clientId: randomUUID(), text: 'hello' })]],
    ];

    it.each(visitorCases)('visitor %s with %s', async (event, _name, args) => {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      await changesNothing(async () => {
        expectRefused(await raw(visitor).timeout(ACK_MS).emitWithAck(event, ...args), 'PAYLOAD_INVALID');
      });
    });

    const agentEvents: (keyof AgentClientEvents)[] = [
      'workspace:load',
      'conversation:take',
      'conversation:messages',
      'conversation:resolve',
      'message:send',
    ];
    const agentCases: [event: keyof AgentClientEvents, name: string, args: unknown[]][] = [
      ...agentEvents.flatMap((event) => notAnObject.map(([name, args]) => [event, name, args] as [keyof AgentClientEvents, string, unknown[]])),
      ['workspace:load', 'an unknown field', [{ queue: 'support' }]],
      ['workspace:load', 'a `__proto__` key', [withProtoKey({})]],
      ...(['conversation:take', 'conversation:messages', 'conversation:resolve'] as const).flatMap(
        (event) =>
          [
            [event, 'no conversationId', [{}]],
            [event, 'conversationId of the wrong type', [{ conversationId: { $ne: null } }]],
            [event, 'a conversationId with odd characters', [{ conversationId: 'c_*' }]],
            [event, 'a huge conversationId', [{ conversationId: 'c'.repeat(50_000) }]],
            [event, 'an unknown field', [{ conversationId: 'c_x', agentId: 'a_other' }]],
            [event, 'a `__proto__` key', [withProtoKey({ conversationId: 'c_x' })]],
          ] as [keyof AgentClientEvents, string, unknown[]][],
      ),
      ['conversation:messages', 'afterId of the wrong type', [{ conversationId: 'c_x', afterId: 0 }]],
      ['conversation:messages', 'afterId beyond any stream id', [{ conversationId: 'c_x', afterId: '18446744073709551616-0' }]],
      ['message:send', 'no conversationId', [{ clientId: randomUUID(), text: 'hi' }]],
      ['message:send', 'no clientId', [{ conversationId: 'c_x', text: 'hi' }]],
      ['message:send', 'text of the wrong type', [{ conversationId: 'c_x', clientId: randomUUID(), text: 42 }]],
      ['message:send', 'an unknown field', [{ conversationId: 'c_x', clientId: randomUUID(), text: 'hi', author: 'visitor' }]],
      ['message:send', 'a `__proto__` key', [withProtoKey({ conversationId: 'c_x', clientId: randomUUID(), text: 'hi' })]],
    ];

    it.each(agentCases)('agent %s with %s', async (event, _name, args) => {
      const agent = await connectAgent(started.url, cookies.bo);
      await changesNothing(async () => {
        expectRefused(await raw(agent).timeout(ACK_MS).emitWithAck(event, ...args), 'PAYLOAD_INVALID');
      });
    });

    it.each([
      ['one past the largest stream id', '18446744073709551615-18446744073709551615'],
      ['a millisecond part past 64 bits', '18446744073709551616-0'],
      ['20 nines', '99999999999999999999-0'],
    ])('an afterId / lastMessageId that no stream id can be (%s) is PAYLOAD_INVALID, on a real conversation too', async (_name, id) => {
      const agent = await connectAgent(started.url, cookies.sam);
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey, token: fixture.activeVisitorToken });
      await changesNothing(async () => {
        expectRefused(
          await emitWithTimeout(agent, ACK_MS, 'conversation:messages', { conversationId: fixture.active, afterId: id }),
          'PAYLOAD_INVALID',
        );
        expectRefused(await emitWithTimeout(visitor, ACK_MS, 'session:resume', { lastMessageId: id }), 'PAYLOAD_INVALID');
      });
    });

    it('an afterId / lastMessageId beyond the last message (but valid) is simply nothing new', async () => {
      const agent = await connectAgent(started.url, cookies.sam);
      const late = '999999999999999-999999999999999';
      expect(await emitWithTimeout(agent, ACK_MS, 'conversation:messages', { conversationId: fixture.active, afterId: late })).toEqual({
        ok: true,
        data: [],
      });
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey, token: fixture.activeVisitorToken });
      const session = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', { lastMessageId: late }));
      expect(session).toMatchObject({ conversation: { id: fixture.active }, messages: [] });
    });

    it('a packet larger than the socket limit closes that connection, and the server carries on', async () => {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      const closed = new Promise<string>((resolve) => visitor.once('disconnect', (reason) => resolve(reason)));
      await changesNothing(async () => {
        const attempt = raw(visitor)
          .timeout(ACK_MS)
          .emitWithAck('message:send', { clientId: randomUUID(), text: 'x'.repeat(100_000) })
          .catch((error: Error) => error);
        expect(await closed).toBe('transport close');
        expect(await attempt).toBeInstanceOf(Error);
      });
      const next = await connectVisitor(started.url, { siteKey: started.siteKey });
      expectOk(await emitWithTimeout(next, ACK_MS, 'session:resume', {}));
    });
  });

  describe('message text', () => {
    const cases: [name: string, text: string, code: ErrorCode][] = [
      ['one character over the limit', 'a'.repeat(MAX_MESSAGE_LENGTH + 1), 'MESSAGE_TOO_LONG'],
      ['far over the limit', 'a'.repeat(40_000), 'MESSAGE_TOO_LONG'],
      // 4,000 emoji are 8,000 UTF-16 code units: the limit counts what String.length counts.
      ['within the limit in characters but not in code units', '😀'.repeat(MAX_MESSAGE_LENGTH), 'MESSAGE_TOO_LONG'],
      ['white space only', ' \n\t\u00a0 ', 'MESSAGE_EMPTY'],
      ['empty', '', 'MESSAGE_EMPTY'],
    ];

    it.each(cases)('from a visitor: %s', async (_name, text, code) => {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey, token: fixture.activeVisitorToken });
      await changesNothing(async () => {
        expectRefused(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text }), code);
      });
    });

    it.each(cases)('from a new visitor (no conversation yet): %s', async (_name, text, code) => {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      await changesNothing(async () => {
        expectRefused(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text }), code);
      });
    });

    it.each(cases)('from an agent: %s', async (_name, text, code) => {
      const agent = await connectAgent(started.url, cookies.sam);
      await changesNothing(async () => {
        const ack = await emitWithTimeout(agent, ACK_MS, 'message:send', { conversationId: fixture.active, clientId: randomUUID(), text });
        expectRefused(ack, code);
      });
    });

    it('of exactly the limit is accepted', async () => {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      const text = 'a'.repeat(MAX_MESSAGE_LENGTH);
      const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text }));
      expect(sent.message.text).toHaveLength(MAX_MESSAGE_LENGTH);
    });
  });

  describe('visitor handshake', () => {
    const refusedWith = async (promise: Promise<unknown>): Promise<WireError> => {
      const error = (await promise.then(
        () => {
          throw new Error('the connection was accepted');
        },
        (e: unknown) => e,
      )) as Error & { data?: WireError };
      expect(error.data).toMatchObject({ code: expect.any(String), message: error.message });
      return error.data!;
    };

    it('refuses an unknown site key with SITE_NOT_FOUND', async () => {
      await changesNothing(async () => {
        expect(await refusedWith(connectVisitor(started.url, { siteKey: 'site_nobody_has_this' }))).toMatchObject({ code: 'SITE_NOT_FOUND' });
      });
    });

    it.each([
      ['no site key', {}],
      ['a site key of the wrong type', { siteKey: 42 }],
      ['a site key with odd characters', { siteKey: 'site key' }],
      ['an unknown field', { siteKey: 'SITE', visitorId: 'v_someone' }],
      ['an empty token', { siteKey: 'SITE', token: '' }],
      ['a token of the wrong type', { siteKey: 'SITE', token: { visitorId: 'v_x' } }],
    ])('refuses %s with PAYLOAD_INVALID', async (_name, auth) => {
      const withSite = JSON.parse(JSON.stringify(auth).replace('"SITE"', JSON.stringify(started.siteKey))) as { siteKey: string };
      await changesNothing(async () => {
        expect(await refusedWith(connectVisitor(started.url, withSite))).toMatchObject({ code: 'PAYLOAD_INVALID' });
      });
    });

    it.each([
      ['another site’s origin', OTHER_ORIGIN],
      ['an unrelated origin', 'https://evil.example'],
      ['the right host on another scheme', 'http://shop.example'],
      ['the right host on another port', 'https://shop.example:8443'],
      ['an origin with a path', `${SHOP_ORIGIN}/`],
      ['the opaque origin of a sandboxed frame', 'null'],
      ['no Origin header', null],
    ])('refuses %s with ORIGIN_NOT_ALLOWED', async (_name, origin) => {
      await changesNothing(async () => {
        const error = await refusedWith(connectVisitor(started.url, { siteKey: started.siteKey }, { origin }));
        expect(error).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
      });
    });

    it('checks the origin even with a genuine token', async () => {
      const error = await refusedWith(
        connectVisitor(started.url, { siteKey: started.siteKey, token: fixture.activeVisitorToken }, { origin: 'https://evil.example' }),
      );
      expect(error.code).toBe('ORIGIN_NOT_ALLOWED');
    });

    it('refuses forged, tampered and other sites’ tokens with VISITOR_TOKEN_INVALID', async () => {
      const genuine = fixture.activeVisitorToken;
      const dot = genuine.lastIndexOf('.');
      const visitorId = genuine.slice(0, dot);
      const signature = genuine.slice(dot + 1);
      const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // The character whose 6 bits differ from c's in the lowest bit only.
      const twin = (c: string) => BASE64URL[BASE64URL.indexOf(c) ^ 1]!;
      const tokens = {
        forged: `v_made_up.${'A'.repeat(43)}`,
        'signature changed': `${visitorId}.${twin(signature[0]!)}${signature.slice(1)}`,
        // The last of 43 characters carries 2 unused bits: the bytes decode the same, the token is not the one issued.
        'signature changed in unused bits': `${visitorId}.${signature.slice(0, -1)}${twin(signature.slice(-1))}`,
        'visitor id changed': `${visitorId.slice(0, -1)}${twin(visitorId.slice(-1))}.${signature}`,
        'signature cut short': `${visitorId}.${signature.slice(0, 20)}`,
        'no signature': visitorId,
        'empty signature': `${visitorId}.`,
        'only a signature': `.${signature}`,
        'another site’s token': fixture.otherSiteToken,
      };
      await changesNothing(async () => {
        for (const [name, token] of Object.entries(tokens)) {
          const error = await refusedWith(connectVisitor(started.url, { siteKey: started.siteKey, token }));
          expect({ name, code: error.code }).toEqual({ name, code: 'VISITOR_TOKEN_INVALID' });
        }
        // And this site's token on the other site, from that site's own origin.
        const error = await refusedWith(
          connectVisitor(started.url, { siteKey: fixture.otherSiteKey, token: genuine }, { origin: OTHER_ORIGIN }),
        );
        expect(error.code).toBe('VISITOR_TOKEN_INVALID');
      });
    });

    it('lets a visitor reach only its own conversation: the token decides, nothing in a payload can', async () => {
      const { url, siteKey, app } = started;
      const stranger = await connectVisitor(url, { siteKey });
      await changesNothing(async () => {
        const activeMessages = await app.store.messagesAfter(siteKey, fixture.active, undefined, 10);
        const session = expectOk(await emitWithTimeout(stranger, ACK_MS, 'session:resume', { lastMessageId: activeMessages[0]!.id }));
        expect(session).toMatchObject({ conversation: null, messages: [] });
        expect(session.token).not.toBe(fixture.activeVisitorToken);
        expectRefused(
          await raw(stranger).timeout(ACK_MS).emitWithAck('session:resume', { conversationId: fixture.active }),
          'PAYLOAD_INVALID',
        );
      });
      // The stranger's message starts its own conversation and never lands in the other one.
      const before = await app.store.messagesAfter(siteKey, fixture.active, undefined, 100);
      const sent = expectOk(await emitWithTimeout(stranger, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'hello' }));
      expect(sent.conversation.id).not.toBe(fixture.active);
      expect(await app.store.messagesAfter(siteKey, fixture.active, undefined, 100)).toEqual(before);
    });
  });

  describe('agent handshake', () => {
    const refusedCode = async (promise: Promise<unknown>) =>
      ((await promise.then(
        () => {
          throw new Error('the connection was accepted');
        },
        (e: unknown) => e,
      )) as { data?: WireError }).data?.code;

    it.each([
      ['no cookie', ''],
      ['a bogus session cookie', 'sb_session=not-a-session'],
      ['an empty session cookie', 'sb_session='],
      ['a malformed cookie header', 'sb_session=%E0%A4%A; ;;='],
      ['another cookie only', 'theme=dark'],
    ])('refuses %s with AUTH_REQUIRED', async (_name, cookie) => {
      await changesNothing(async () => {
        expect(await refusedCode(connectAgent(started.url, cookie))).toBe('AUTH_REQUIRED');
      });
    });

    it('refuses a session that was logged out with AUTH_REQUIRED', async () => {
      const cookie = await logIn(started.url, started.bothAgent);
      const out = await fetch(`${started.url}/api/v1/sessions/current`, { method: 'DELETE', headers: { cookie } });
      expect(out.status).toBe(204);
      expect(await refusedCode(connectAgent(started.url, cookie))).toBe('AUTH_REQUIRED');
    });

    it.each([
      ['a page of another site', 'https://evil.example'],
      ['the opaque origin of a sandboxed frame', 'null'],
      ['a value that is not an origin', 'not a url'],
    ])('refuses a valid cookie sent from %s with ORIGIN_NOT_ALLOWED', async (_name, origin) => {
      await changesNothing(async () => {
        expect(await refusedCode(connectAgent(started.url, cookies.sam, { origin }))).toBe('ORIGIN_NOT_ALLOWED');
      });
    });

    it('accepts the console’s own origin', async () => {
      const agent = await connectAgent(started.url, cookies.sam, { origin: started.url });
      expectOk(await emitWithTimeout(agent, ACK_MS, 'workspace:load', {}));
    });
  });

  describe('conversation rules', () => {
    type Case = [name: string, agent: 'sam' | 'sasha' | 'bo', run: (agent: AgentClient) => Promise<Ack<unknown>>, code: ErrorCode];
    const take = (id: () => ConversationId) => (a: AgentClient) => emitWithTimeout(a, ACK_MS, 'conversation:take', { conversationId: id() });
    const resolve = (id: () => ConversationId) => (a: AgentClient) => emitWithTimeout(a, ACK_MS, 'conversation:resolve', { conversationId: id() });
    const read = (id: () => ConversationId) => (a: AgentClient) => emitWithTimeout(a, ACK_MS, 'conversation:messages', { conversationId: id() });
    const write = (id: () => ConversationId) => (a: AgentClient) =>
      emitWithTimeout(a, ACK_MS, 'message:send', { conversationId: id(), clientId: randomUUID(), text: 'hello' });

    const cases: Case[] = [
      ['take one already taken', 'bo', take(() => fixture.active), 'CONVERSATION_NOT_WAITING'],
      ['take a resolved one', 'bo', take(() => fixture.resolved), 'CONVERSATION_NOT_WAITING'],
      ['take one that does not exist', 'bo', take(() => 'c_does_not_exist'), 'CONVERSATION_NOT_FOUND'],
      ['take one of another site', 'bo', take(() => fixture.otherSite), 'CONVERSATION_NOT_FOUND'],
      ['take one of a queue the agent has no skill for', 'sasha', take(() => fixture.waiting), 'SKILL_REQUIRED'],
      ['write to one held by another agent', 'bo', write(() => fixture.active), 'CONVERSATION_NOT_ASSIGNED_TO_YOU'],
      ['write to a waiting one', 'bo', write(() => fixture.waiting), 'CONVERSATION_NOT_ASSIGNED_TO_YOU'],
      ['write to a resolved one', 'sam', write(() => fixture.resolved), 'CONVERSATION_NOT_ACTIVE'],
      ['write to one that does not exist', 'sam', write(() => 'c_does_not_exist'), 'CONVERSATION_NOT_FOUND'],
      ['write to one of another site', 'sam', write(() => fixture.otherSite), 'CONVERSATION_NOT_FOUND'],
      ['resolve one held by another agent', 'bo', resolve(() => fixture.active), 'CONVERSATION_NOT_ASSIGNED_TO_YOU'],
      ['resolve a waiting one', 'bo', resolve(() => fixture.waiting), 'CONVERSATION_NOT_ACTIVE'],
      ['resolve a resolved one', 'sam', resolve(() => fixture.resolved), 'CONVERSATION_NOT_ACTIVE'],
      ['resolve one that does not exist', 'sam', resolve(() => 'c_does_not_exist'), 'CONVERSATION_NOT_FOUND'],
      ['resolve one of another site', 'sam', resolve(() => fixture.otherSite), 'CONVERSATION_NOT_FOUND'],
      ['read one held by another agent', 'bo', read(() => fixture.active), 'CONVERSATION_NOT_ASSIGNED_TO_YOU'],
      ['read one waiting in a queue the agent does not serve', 'sasha', read(() => fixture.waiting), 'CONVERSATION_NOT_ASSIGNED_TO_YOU'],
      ['read one that does not exist', 'sam', read(() => 'c_does_not_exist'), 'CONVERSATION_NOT_FOUND'],
      ['read one of another site', 'sam', read(() => fixture.otherSite), 'CONVERSATION_NOT_FOUND'],
    ];

    it.each(cases)('an agent cannot %s', async (_name, who, run, code) => {
      const agent = await connectAgent(started.url, cookies[who]);
      await changesNothing(async () => {
        expectRefused(await run(agent), code);
      });
    });

    it('a refused take leaves the conversation waiting in its queue for someone who may take it', async () => {
      const { app, siteKey } = started;
      expect(await app.store.getConversation(siteKey, fixture.waiting)).toMatchObject({ status: 'waiting' });
      const queue = await app.store.listQueue(siteKey, 'service', 100);
      expect(queue.entries.map((e) => e.conversationId)).toContain(fixture.waiting);
      // An agent may read what waits in a queue it serves (to decide whether to take it).
      const bo = await connectAgent(started.url, cookies.bo);
      const messages = expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:messages', { conversationId: fixture.waiting }));
      expect(messages.map((m) => m.text)).toEqual(['I was charged twice for my order']);
    });
  });

  describe('REST', () => {
    const post = (payload: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
      started.app.inject({ method: 'POST', url: '/api/v1/sessions', payload, headers: { 'content-type': contentType, ...headers } });

    it('answers a wrong password and an unknown email the same: 401 CREDENTIALS_INVALID', async () => {
      await changesNothing(async () => {
        const wrongPassword = await post(JSON.stringify({ email: started.serviceAgent.email, password: 'not-the-password' }));
        const unknownEmail = await post(JSON.stringify({ email: 'nobody@agents.example', password: 'not-the-password' }));
        const wrongCase = await post(JSON.stringify({ email: started.serviceAgent.email, password: started.serviceAgent.password.toUpperCase() }));
        for (const response of [wrongPassword, unknownEmail, wrongCase]) {
          expect(response.statusCode).toBe(401);
          expect(response.headers['set-cookie']).toBeUndefined();
          expect(response.json()).toEqual({ error: { code: 'CREDENTIALS_INVALID', message: expect.any(String) } });
        }
        expect(wrongPassword.body).toBe(unknownEmail.body);
      });
    });

    it.each([
      ['malformed JSON', '{"email": "sam@agents.example", "password": '],
      ['an empty body', ''],
      ['an array', '[]'],
      ['null', 'null'],
      ['a missing password', JSON.stringify({ email: 'sam@agents.example' })],
      ['a missing email', JSON.stringify({ password: 'x' })],
      ['an email of the wrong type', JSON.stringify({ email: ['sam@agents.example'], password: 'x' })],
      ['a password of the wrong type', JSON.stringify({ email: 'sam@agents.example', password: 12345 })],
      ['an email that is not one', JSON.stringify({ email: 'sam', password: 'x' })],
      ['an extra field', JSON.stringify({ email: 'sam@agents.example', password: 'x', siteKey: 'site_x' })],
      ['a `__proto__` key', '{"email":"sam@agents.example","password":"x","__proto__":{"polluted":true}}'],
      ['a `constructor.prototype` key', '{"email":"sam@agents.example","password":"x","constructor":{"prototype":{"polluted":true}}}'],
      ['a huge password', JSON.stringify({ email: 'sam@agents.example', password: 'x'.repeat(10_000) })],
      ['a body over the size limit', JSON.stringify({ email: 'sam@agents.example', password: 'x'.repeat(100_000) })],
    ])('refuses a log-in body with %s: 400 PAYLOAD_INVALID', async (_name, body) => {
      await changesNothing(async () => {
        const response = await post(body);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID', message: expect.any(String) } });
      });
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['form data', 'application/x-www-form-urlencoded'],
      ['an unknown type', 'application/x-made-up'],
    ])('refuses a log-in sent as %s: 400 PAYLOAD_INVALID', async (_name, contentType) => {
      const body = JSON.stringify({ email: started.serviceAgent.email, password: started.serviceAgent.password });
      await changesNothing(async () => {
        const response = await post(body, contentType);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID' } });
      });
    });

    it.each([
      ['no cookie', {}],
      ['a bogus cookie', { cookie: 'sb_session=not-a-session' }],
    ])('answers GET /api/v1/sessions/current with %s: 401 AUTH_REQUIRED', async (_name, headers) => {
      const response = await started.app.inject({ method: 'GET', url: '/api/v1/sessions/current', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'AUTH_REQUIRED', message: expect.any(String) } });
    });

    it('lets DELETE /api/v1/sessions/current without a cookie succeed and change nothing', async () => {
      await changesNothing(async () => {
        const response = await started.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current' });
        expect(response.statusCode).toBe(204);
      });
    });

    it.each([
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api/v1/sessions'],
      ['PUT', '/api/v1/sessions/current'],
      ['POST', '/healthz'],
      ['GET', '/api/v1/sessions/current/../../../etc/passwd'],
    ] as const)('answers %s %s with 404 NOT_FOUND', async (method, url) => {
      const response = await started.app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    });

    it('answers /healthz and /readyz with 200 while the store answers', async () => {
      const health = await started.app.inject({ method: 'GET', url: '/healthz' });
      expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok' }]);
      const ready = await started.app.inject({ method: 'GET', url: '/readyz' });
      expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready' }]);
    });

    it('answers /readyz with 503 (and /healthz still 200) when the store does not answer', async () => {
      const store = createMemoryStore();
      let app: FastifyInstance | undefined;
      try {
        app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', DEMO: 'false' }), {
          store: {
            ...store,
            ping: async () => {
              throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
            },
          },
        });
        const ready = await app.inject({ method: 'GET', url: '/readyz' });
        expect([ready.statusCode, ready.json()]).toEqual([503, { status: 'unavailable' }]);
        expect(ready.body).not.toContain('ECONNREFUSED');
        const health = await app.inject({ method: 'GET', url: '/healthz' });
        expect(health.statusCode).toBe(200);
      } finally {
        await app?.close();
      }
    });
  });

  it('still serves a whole conversation after all of the above', async () => {
    const { url, siteKey } = started;
    const visitor = await connectVisitor(url, { siteKey });
    const agent = await connectAgent(url, cookies.bo);
    const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'Still there?' }));
    expectOk(await emitWithTimeout(agent, ACK_MS, 'conversation:take', { conversationId: sent.conversation.id }));
    expectOk(await emitWithTimeout(agent, ACK_MS, 'conversation:resolve', { conversationId: sent.conversation.id }));
  });
});
