/**
 * A deterministic fuzzer (issue 7, "Validation"): thousands of random and malformed payloads to
 * every client event of both namespaces, to the Socket.IO and Engine.IO framing itself, to both
 * handshakes and to every REST route. The server never crashes, never answers 500 or INTERNAL,
 * refuses each input with a catalogued code, leaves Object.prototype alone, and its data are
 * unchanged. Replay a failure with FUZZ_SEED=<seed>.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { ERRORS, type ErrorCode, type WireError } from '../../shared/errors';
import type { ConversationId } from '../../shared/ids';
import { MAX_MESSAGE_LENGTH, SOCKET_EVENT_RATE } from '../../shared/limits';
import type { Ack, MessageView } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { declaredClientEvents, listApiRoutes } from '../helpers/coverage';
import { QUIET_SWEEP_ENV, snapshotData } from '../helpers/data-snapshot';
import { openPolling, RECORD_SEPARATOR } from '../helpers/engine-polling';
import {
  createRandom,
  deeplyNested,
  deeplyNestedJson,
  NASTY_KEYS,
  NASTY_STRINGS,
  pollutingObject,
  randomNonString,
  randomString,
  randomValue,
  setOwn,
  type Random,
} from '../helpers/fuzz';
import { assertRedisReachable } from '../helpers/redis';
import { settleDisconnects } from '../helpers/settle';
import { SHOP_ORIGIN, startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const SEED = Number(process.env.FUZZ_SEED ?? 7_2024);
const ACK_MS = 5_000;
/** Events sent on one socket before another is opened: under the per-socket burst, with one left for a check. */
const EVENTS_PER_SOCKET = SOCKET_EVENT_RATE.burst - 4;
/** Sockets fuzzed at once. */
const PARALLEL_SOCKETS = 6;
/** What a payload that fails its schema may be refused with. */
const VALIDATION_CODES: ErrorCode[] = ['PAYLOAD_INVALID', 'MESSAGE_TOO_LONG', 'MESSAGE_EMPTY'];

/** A seed per test, so each replays alone. */
const randomFor = (name: string) => createRandom([...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16_777_619) >>> 0, SEED >>> 0));

// ---- what each event accepts, and values that it must refuse ---------------------------------------

interface FieldSpec {
  required: boolean;
  valid(): unknown;
  /** A value this field must refuse, whatever the other fields hold. */
  invalid(random: Random): unknown;
}

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const MESSAGE_ID_PATTERN = /^[0-9]{1,16}-[0-9]{1,16}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/u;

/** Tries generators until one gives a value `accepts` refuses (a guard against a generator slip). */
function refusedBy(accepts: (value: unknown) => boolean, ...generators: ((random: Random) => unknown)[]) {
  return (random: Random): unknown => {
    for (;;) {
      const value = random.pick(generators)(random);
      if (!accepts(value)) return value;
    }
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const lengthOf = (value: string) => [...value].length;
const stringRule = (min: number, max: number, pattern?: RegExp) => (value: unknown) =>
  isString(value) && lengthOf(value) >= min && lengthOf(value) <= max && (!pattern || pattern.test(value));
const withBadCharacter = (random: Random) => `${'x'.repeat(random.int(0, 10))}${random.pick([' ', '.', '/', '*', ':', '\u0000', '\ud800', '😀', 'é', '$', '{', '\n', '%'])}y`;
const tooLong = (max: number) => (random: Random) => random.pick(['a', '7', '😀']).repeat(max + random.int(1, max * 2));

const idField = (valid: () => string, required = true): FieldSpec => ({
  required,
  valid,
  invalid: refusedBy(stringRule(1, 64, ID_PATTERN), randomNonString, withBadCharacter, tooLong(64), () => '', (r) => r.pick(NASTY_STRINGS)),
});
const clientIdField: FieldSpec = {
  required: true,
  valid: () => randomUUID(),
  invalid: refusedBy(stringRule(8, 64, ID_PATTERN), randomNonString, withBadCharacter, tooLong(64), (r) => 'a'.repeat(r.int(0, 7)), (r) => r.pick(NASTY_STRINGS)),
};
const messageIdField: FieldSpec = {
  required: false,
  valid: () => '0-0',
  invalid: refusedBy(
    (v) => isString(v) && MESSAGE_ID_PATTERN.test(v),
    randomNonString,
    (r) => r.pick(['abc', '1-', '-1', '1-2-3', ' 1-0', '1-0 ', '١-٢', '0x1-0', '1e3-0', '', '1_0', '+1-0', '1-0\n']),
    (r) => `${'9'.repeat(r.int(17, 40))}-0`,
    (r) => `0-${'9'.repeat(r.int(17, 40))}`,
    (r) => randomString(r),
  ),
};
const whiteSpace = (random: Random) => Array.from({ length: random.int(0, 40) }, () => random.pick([' ', '\n', '\t', '\u00a0', '\u2003', '\u3000', '\r'])).join('');
const textField: FieldSpec = {
  required: true,
  valid: () => 'hello',
  // Refused by the schema, or by the domain after trimming (white space only): either way nothing is stored.
  invalid: refusedBy(
    (v) => isString(v) && v.trim().length > 0 && v.trim().length <= MAX_MESSAGE_LENGTH && lengthOf(v) <= MAX_MESSAGE_LENGTH,
    randomNonString,
    whiteSpace,
    (r) => 'a'.repeat(MAX_MESSAGE_LENGTH + r.int(1, 8_000)),
    () => '😀'.repeat(MAX_MESSAGE_LENGTH),
    (r) => `${'<script>'.repeat(500)}${'x'.repeat(MAX_MESSAGE_LENGTH - 4_000 + r.int(1, 100))}`,
  ),
};
const queueField = (required: boolean): FieldSpec => ({
  required,
  valid: () => 'support',
  invalid: refusedBy((v) => v === 'service' || v === 'support', randomNonString, (r) => r.pick(['Service', 'support ', '', 'billing', '__proto__', 'SUPPORT', 'service\u0000'])),
});
const boundedText = (min: number, max: number, required: boolean, valid: () => string, pattern?: RegExp): FieldSpec => ({
  required,
  valid,
  invalid: refusedBy(stringRule(min, max, pattern), randomNonString, tooLong(max), () => '', (r) => r.pick(NASTY_STRINGS)),
});

const booleanField: FieldSpec = {
  required: true,
  valid: () => true,
  invalid: refusedBy((v) => typeof v === 'boolean', randomValue, (r) => r.pick(['true', 'false', 0, 1, null, ''])),
};

type Fixture = { waiting: ConversationId; active: ConversationId; resolved: ConversationId };
let fixture: Fixture;
const anyConversation = (random: Random) => () => random.pick([fixture.waiting, fixture.active, fixture.resolved, 'c_does_not_exist']);

interface EventSpec {
  event: string;
  fields: Record<string, FieldSpec>;
}

const integerField = (min: number, max: number): FieldSpec => ({
  required: false,
  valid: () => min,
  invalid: refusedBy((v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max, randomValue, (r) => r.pick([min - 1, max + 1, 2.5, -0.5, 1e9, `${min}`])),
});

const emailField = (required: boolean): FieldSpec => ({
  required,
  valid: () => 'ada@example.com',
  invalid: refusedBy(stringRule(3, 254, EMAIL_PATTERN), randomNonString, (r) => r.pick(['ada', 'a@', '@b', 'a b@c', 'a@b@c', '', 'a@b\n']), (r) => `${'a'.repeat(r.int(250, 400))}@b.c`),
});

function visitorEvents(): EventSpec[] {
  return [
    { event: 'session:resume', fields: { lastMessageId: messageIdField } },
    { event: 'message:send', fields: { clientId: clientIdField, text: textField, topic: queueField(false) } },
    {
      event: 'visitor:identify',
      fields: {
        userId: boundedText(1, 128, true, () => 'user-1'),
        name: boundedText(1, 100, false, () => 'Ada'),
        email: emailField(false),
        hash: {
          required: false,
          valid: () => 'a'.repeat(64),
          invalid: refusedBy((v) => isString(v) && /^[0-9a-fA-F]{64}$/.test(v), randomNonString, (r) => 'a'.repeat(r.pick([0, 1, 63, 65, 128])), (r) => `${'a'.repeat(63)}${r.pick(['g', 'Z', ' ', '😀'])}`),
        },
      },
    },
    {
      event: 'conversation:rate',
      fields: {
        conversationId: idField(() => fixture.resolved),
        csat: integerField(1, 5),
        ces: integerField(1, 7),
        nps: integerField(0, 10),
        comment: { required: false, valid: () => 'thanks', invalid: refusedBy(stringRule(0, 1_000), randomNonString, tooLong(1_000)) },
      },
    },
    {
      event: 'message:leave',
      fields: { clientId: clientIdField, text: textField, name: boundedText(1, 100, true, () => 'Ada'), email: emailField(true) },
    },
    {
      event: 'visitor:context',
      fields: {
        page: {
          required: true,
          valid: () => ({ url: 'https://shop.example/cart', title: 'Cart' }),
          invalid: (r) =>
            r.pick<unknown>([
              randomNonString(r),
              { url: 'javascript:alert(1)', title: 'x' },
              { url: 'data:text/html,x', title: 'x' },
              { url: `https://shop.example/${'a'.repeat(r.int(1_993, 4_000))}`, title: 'x' },
              { url: 'https://shop.example/ x', title: 'x' },
              { url: 'https://shop.example/', title: 't'.repeat(r.int(301, 600)) },
              { url: 'https://shop.example/', title: 'x', referrer: r.pick(['', 'ftp://a.example/', 'about:blank']) },
              { url: 'https://shop.example/', title: 'x', [r.pick(NASTY_KEYS)]: 1 },
              { title: 'x' },
            ]),
        },
        language: boundedText(2, 35, true, () => 'fr-FR', /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/),
        timeZone: {
          required: true,
          valid: () => 'Europe/Paris',
          invalid: (r) => r.pick<unknown>([randomNonString(r), '', 'Mars/Olympus', 'Europe/Paris ', 'x'.repeat(65), r.pick(NASTY_STRINGS)]),
        },
        custom: {
          required: false,
          valid: () => ({ plan: 'pro', cart: 42 }),
          invalid: (r) =>
            r.pick<unknown>([
              randomNonString(r),
              Object.fromEntries(Array.from({ length: r.int(21, 60) }, (_, i) => [`k${i}`, i])),
              { ['k'.repeat(r.int(41, 200))]: 1 },
              { '': 1 },
              { note: 'v'.repeat(r.int(201, 1_000)) },
              { flag: r.pick([true, null, [], {}]) },
            ]),
        },
      },
    },
    // This server has no SMTP_URL: a valid request is answered EMAIL_DISABLED, a malformed one PAYLOAD_INVALID.
    { event: 'conversation:transcript', fields: { conversationId: idField(() => fixture.resolved), email: emailField(false) } },
    { event: 'typing:set', fields: { conversationId: idField(() => fixture.active), typing: booleanField } },
    { event: 'message:seen', fields: { conversationId: idField(() => fixture.active), lastSeenId: { ...messageIdField, required: true } } },
  ];
}

function agentEvents(random: Random): EventSpec[] {
  const conversationId = idField(anyConversation(random));
  return [
    { event: 'workspace:load', fields: {} },
    { event: 'conversation:take', fields: { conversationId } },
    { event: 'conversation:messages', fields: { conversationId, afterId: messageIdField } },
    { event: 'conversation:resolve', fields: { conversationId } },
    {
      event: 'conversation:transfer',
      fields: { conversationId, queue: queueField(true), note: { required: true, valid: () => 'note', invalid: refusedBy(stringRule(0, 500), randomNonString, tooLong(500)) } },
    },
    { event: 'message:send', fields: { conversationId, clientId: clientIdField, text: textField } },
    { event: 'conversation:release', fields: { conversationId } },
    { event: 'conversation:flag-route', fields: { conversationId } },
    {
      event: 'conversation:hand-over',
      fields: {
        conversationId,
        agentId: conversationId,
        note: { required: true, valid: () => 'note', invalid: refusedBy(stringRule(0, 500), randomNonString, tooLong(500)) },
      },
    },
    {
      event: 'conversation:reassign',
      fields: {
        conversationId,
        agentId: conversationId,
        note: { required: true, valid: () => 'note', invalid: refusedBy(stringRule(0, 500), randomNonString, tooLong(500)) },
      },
    },
    { event: 'note:add', fields: { conversationId, clientId: clientIdField, text: textField } },
    { event: 'team:load', fields: {} },
    { event: 'queue:take-next', fields: {} },
    { event: 'visitor:history', fields: { conversationId } },
    { event: 'typing:set', fields: { conversationId, typing: booleanField } },
    { event: 'message:seen', fields: { conversationId, lastSeenId: { ...messageIdField, required: true } } },
    {
      event: 'presence:set',
      fields: {
        status: { required: true, valid: () => 'away', invalid: refusedBy((v) => v === 'online' || v === 'away' || v === 'offline', randomNonString, (r) => r.pick(['Online', 'busy', '', 'offline ', '__proto__'])) },
      },
    },
  ];
}

// ---- malformed payloads, each refused by construction ---------------------------------------------

interface FuzzCase {
  event: string;
  args: unknown[];
  /** Sent without an ack callback: nothing can be answered, nothing must change. */
  noAck: boolean;
  mutation: string;
}

function validPayload(spec: EventSpec, random: Random): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.fields)) if (field.required || random.chance(0.5)) payload[name] = field.valid();
  return payload;
}

/** Every value inside `value`, walked without recursion (some are thousands of levels deep). */
function* walk(value: unknown): Generator<[key: string | null, value: unknown]> {
  const stack: [string | null, unknown][] = [[null, value]];
  while (stack.length > 0) {
    const [key, item] = stack.pop()!;
    yield [key, item];
    if (item instanceof ArrayBuffer || ArrayBuffer.isView(item) || !item || typeof item !== 'object') continue;
    for (const entry of Object.entries(item)) stack.push(entry);
  }
}

function binaryCount(value: unknown): number {
  let count = 0;
  for (const [, item] of walk(value)) if (item instanceof ArrayBuffer || ArrayBuffer.isView(item)) count += 1;
  return count;
}

function malformedCase(spec: EventSpec, random: Random): FuzzCase {
  const fieldNames = Object.keys(spec.fields);
  const required = fieldNames.filter((name) => spec.fields[name]!.required);
  const extraKey = () => {
    for (;;) {
      const key = random.chance(0.6) ? random.pick(NASTY_KEYS) : randomString(random, 30);
      if (!fieldNames.includes(key)) return key;
    }
  };
  const spoil = (payload: Record<string, unknown>) => {
    const names = fieldNames.filter(() => random.chance(0.4));
    const chosen = names.length > 0 ? names : [random.pick(fieldNames)];
    for (const name of chosen) payload[name] = spec.fields[name]!.invalid(random);
    return payload;
  };
  const kinds = ['non-object', 'extra-field', 'prototype-keys', 'arguments', ...(fieldNames.length ? ['bad-field', 'bad-field', 'bad-and-extra'] : []), ...(required.length ? ['missing-field'] : [])];
  for (;;) {
    const mutation = random.pick(kinds);
    let args: unknown[];
    switch (mutation) {
      case 'non-object':
        args = [
          random.pick<() => unknown>([
            () => null,
            () => random.pick([0, -1, 42, 1e308, NaN]),
            () => random.chance(0.5),
            () => randomString(random),
            () => JSON.stringify(validPayload(spec, random)),
            () => [validPayload(spec, random)],
            () => [],
            () => Buffer.from(JSON.stringify(validPayload(spec, random))),
            () => new Uint8Array([0xff, 0xfe, 0x00]).buffer,
            () => new Uint16Array([0xd800, 0xdfff]),
            () => deeplyNested(random.int(100, 3_000)),
          ])(),
        ];
        break;
      case 'extra-field': {
        const payload = validPayload(spec, random);
        for (let i = random.int(1, 3); i > 0; i--) setOwn(payload, extraKey(), randomValue(random));
        args = [payload];
        break;
      }
      case 'prototype-keys':
        args = [pollutingObject(random, validPayload(spec, random))];
        break;
      case 'arguments':
        args = random.pick([[], [validPayload(spec, random), randomValue(random)], [validPayload(spec, random), validPayload(spec, random)], [null, validPayload(spec, random)]]);
        break;
      case 'bad-field':
        args = [spoil(validPayload(spec, random))];
        break;
      case 'bad-and-extra': {
        const payload = spoil(validPayload(spec, random));
        setOwn(payload, extraKey(), randomValue(random));
        args = [payload];
        break;
      }
      default: {
        const payload = validPayload(spec, random);
        delete payload[random.pick(required)];
        if (random.chance(0.3)) spoil(payload);
        args = [payload];
      }
    }
    // Socket.IO refuses packets with more than 10 binary attachments outright (a closed connection, tested apart).
    if (binaryCount(args) > 10 || protoKeyHoldsBinary(args)) continue;
    return { event: spec.event, args, noAck: random.chance(0.08), mutation };
  }
}

/** A short description of a case for a failure message (payloads can be 60 KB). */
function describeCase(c: FuzzCase): string {
  const text = JSON.stringify(c.args, (_key, value: unknown) => (typeof value === 'string' && value.length > 60 ? `${value.slice(0, 60)}…(${value.length})` : value));
  return `${c.event} [${c.mutation}${c.noAck ? ', no ack' : ''}] ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD, which is what UTF-8 can carry). */
const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
/** Only characters an HTTP header may carry (clients refuse to send others). */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]/g, '');

/**
 * Socket.IO's client moves binary values out into attachments and rebuilds the object with
 * assignments, so an own `__proto__` key holding binary becomes the copy's prototype and never
 * reaches the wire: such a payload would arrive valid. The fuzzer skips them.
 */
function protoKeyHoldsBinary(value: unknown): boolean {
  for (const [key, item] of walk(value)) if (key === '__proto__' && binaryCount(item) > 0) return true;
  return false;
}

// ---- sending ----------------------------------------------------------------------------------------

type AnySocket = VisitorClient | AgentClient;
type Loose = { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<unknown>> }; emit(event: string, ...args: unknown[]): void };
const loose = (socket: AnySocket) => socket as unknown as Loose;

interface Outcome {
  c: FuzzCase;
  ack?: Ack<unknown>;
  failure?: string;
}

/**
 * Sends the cases in batches, one fresh socket per batch (the per-socket event budget is never
 * exceeded, so each payload is really validated), several sockets at a time; after each batch a
 * read-only event must still be answered on that socket.
 */
async function sendAll(cases: FuzzCase[], connect: () => Promise<AnySocket>, check: (socket: AnySocket) => Promise<Ack<unknown>>): Promise<Outcome[]> {
  const batches: FuzzCase[][] = [];
  for (let i = 0; i < cases.length; i += EVENTS_PER_SOCKET) batches.push(cases.slice(i, i + EVENTS_PER_SOCKET));
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const socket = await connect();
      try {
        const results = batch.map(async (c): Promise<Outcome> => {
          if (c.noAck) {
            loose(socket).emit(c.event, ...c.args);
            return { c };
          }
          try {
            return { c, ack: await loose(socket).timeout(ACK_MS).emitWithAck(c.event, ...c.args) };
          } catch (error) {
            return { c, failure: `no ack (${String(error)}; connected: ${socket.connected})` };
          }
        });
        outcomes.push(...(await Promise.all(results)));
        const after = await check(socket).catch((error: unknown) => ({ ok: false, error: { code: 'NO_ACK', message: String(error) } }) as unknown as Ack<unknown>);
        if (!after.ok) outcomes.push({ c: { event: '(check after batch)', args: [], noAck: false, mutation: 'check' }, failure: JSON.stringify(after) });
      } finally {
        socket.disconnect();
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_SOCKETS }, worker));
  return outcomes;
}

/** Every case answered (unless sent without an ack) with a refusal carrying a validation code. */
function expectAllRefused(outcomes: Outcome[]): void {
  const wrong = outcomes
    .filter(({ c, ack, failure }) => failure !== undefined || (!c.noAck && (ack === undefined || ack.ok || !VALIDATION_CODES.includes(ack.error.code))))
    .map(({ c, ack, failure }) => `${describeCase(c)} → ${failure ?? JSON.stringify(ack).slice(0, 200)}`);
  expect(wrong, `seed ${SEED}`).toEqual([]);
}

const refusalCodes = (outcomes: Outcome[]) => {
  const codes: Record<string, number> = {};
  for (const { ack } of outcomes) if (ack && !ack.ok) codes[ack.error.code] = (codes[ack.error.code] ?? 0) + 1;
  return codes;
};

// ---- the tests --------------------------------------------------------------------------------------

describe('fuzz: random and malformed input never hurts the server', () => {
  let started: StartedApp;
  let cookies: { bo: string; ada: string };
  let activeVisitorToken: string;
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  let total = 0;

  async function changesNothing(act: () => Promise<void>, label?: string): Promise<void> {
    const before = await snapshotData(started.prefix);
    await act();
    expect(await snapshotData(started.prefix), label).toEqual(before);
  }

  const newVisitor = () => connectVisitor(started.url, { siteKey: started.siteKey });
  const returningVisitor = () => connectVisitor(started.url, { siteKey: started.siteKey, token: activeVisitorToken });
  const visitorCheck = (socket: AnySocket) => emitWithTimeout(socket as VisitorClient, ACK_MS, 'session:resume', {});
  const agentCheck = (socket: AnySocket) => emitWithTimeout(socket as AgentClient, ACK_MS, 'workspace:load', {});

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: QUIET_SWEEP_ENV });
    cookies = { bo: await logIn(started.url, started.bothAgent), ada: await logIn(started.url, started.adminAgent) };
    const bo = await connectAgent(started.url, cookies.bo);
    const open = async (text: string) => {
      const visitor = await newVisitor();
      const session = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));
      const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text }));
      return { visitor, token: session.token, id: sent.conversation.id };
    };
    const waiting = await open('Where is my parcel?');
    const active = await open('I was charged twice');
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:take', { conversationId: active.id }));
    const resolved = await open('How much is shipping?');
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:take', { conversationId: resolved.id }));
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:resolve', { conversationId: resolved.id }));
    fixture = { waiting: waiting.id, active: active.id, resolved: resolved.id };
    activeVisitorToken = active.token;
  });
  afterAll(async () => {
    disconnectAll();
    if (started) await settleDisconnects(started.app);
    await started?.close();
    // A summary only when asked for: the suite prints nothing noisy.
    if (process.env.FUZZ_VERBOSE) console.log(`fuzz seed ${SEED}: ${total} inputs`);
  });

  it('fuzzes every client event the protocol declares', () => {
    expect(visitorEvents().map((e) => e.event).sort()).toEqual(declaredClientEvents('VisitorClientEvents'));
    expect(agentEvents(createRandom(1)).map((e) => e.event).sort()).toEqual(declaredClientEvents('AgentClientEvents'));
  });

  it('refuses every malformed /visitor event payload with a validation code, and stores nothing', async () => {
    const random = randomFor('visitor');
    const outcomes: Outcome[] = [];
    for (const spec of visitorEvents()) {
      const cases = Array.from({ length: 400 }, () => malformedCase(spec, random));
      const half = cases.length / 2;
      await changesNothing(async () => {
        // New visitors (no conversation yet) and the visitor of the active conversation take different paths.
        outcomes.push(...(await sendAll(cases.slice(0, half), newVisitor, visitorCheck)), ...(await sendAll(cases.slice(half), returningVisitor, visitorCheck)));
      }, `after malformed ${spec.event} payloads (seed ${SEED})`);
      total += cases.length;
    }
    expectAllRefused(outcomes);
    expect(Object.keys(refusalCodes(outcomes)).sort()).toEqual(['MESSAGE_EMPTY', 'MESSAGE_TOO_LONG', 'PAYLOAD_INVALID']);
  }, 60_000);

  it('refuses every malformed /agent event payload with a validation code, and changes nothing', async () => {
    const random = randomFor('agent');
    const outcomes: Outcome[] = [];
    for (const spec of agentEvents(random)) {
      const cases = Array.from({ length: Object.keys(spec.fields).length === 0 ? 150 : 300 }, () => malformedCase(spec, random));
      const half = cases.length / 2;
      await changesNothing(async () => {
        // The agent who holds the active conversation, and the admin who holds none.
        outcomes.push(
          ...(await sendAll(cases.slice(0, half), () => connectAgent(started.url, cookies.bo), agentCheck)),
          ...(await sendAll(cases.slice(half), () => connectAgent(started.url, cookies.ada), agentCheck)),
        );
      }, `after malformed ${spec.event} payloads (seed ${SEED})`);
      total += cases.length;
    }
    expectAllRefused(outcomes);
    expect(refusalCodes(outcomes).PAYLOAD_INVALID).toBeGreaterThan(outcomes.length / 2);
  }, 60_000);

  it('stores nothing for a message:leave it refuses (white-space text), not even the name and email', async () => {
    const visitor = await newVisitor();
    await changesNothing(async () => {
      const ack = await emitWithTimeout(visitor, ACK_MS, 'message:leave' as never, { clientId: randomUUID(), text: ' \n ', name: 'Ada', email: 'ada@example.com' } as never);
      expect(ack).toMatchObject({ ok: false, error: { code: 'MESSAGE_EMPTY' } });
    });
  });

  describe('Socket.IO and Engine.IO framing', () => {
    /** Socket.IO's raw framing: `<type>[<attachments>-][/<nsp>,][<ack id>][<JSON>]`. */
    type Expect = 'refused' | 'ignored' | 'closed' | 'refused or closed' | 'any';
    const rawCases = (siteNsp: string): [name: string, packet: string, expect: Expect][] => [
      ['a truncated JSON array', `2${siteNsp},900["session:resume",{}`, 'closed'],
      ['JSON that is not an array', `2${siteNsp},901{"session:resume":{}}`, 'closed'],
      ['an empty event array', `2${siteNsp},902[]`, 'closed'],
      ['an event name that is an object', `2${siteNsp},903[{"a":1},{}]`, 'closed'],
      ['an event name that is null', `2${siteNsp},904[null,{}]`, 'closed'],
      ['an event name that is a number', `2${siteNsp},905[123,{}]`, 'ignored'],
      ['an unknown event', `2${siteNsp},906["conversation:take",{"conversationId":"c_x"}]`, 'ignored'],
      ['the reserved event "connect"', `2${siteNsp},907["connect",{}]`, 'closed'],
      ['the reserved event "disconnect"', `2${siteNsp},908["disconnect",{}]`, 'closed'],
      ['the reserved event "connect_error"', `2${siteNsp},909["connect_error",{}]`, 'closed'],
      ['the reserved event "disconnecting"', `2${siteNsp},910["disconnecting",{}]`, 'closed'],
      ['the reserved event "newListener"', `2${siteNsp},911["newListener",{}]`, 'closed'],
      ['the reserved event "removeListener"', `2${siteNsp},912["removeListener",{}]`, 'closed'],
      ['the event name "error"', `2${siteNsp},913["error",{}]`, 'ignored'],
      ['the event name "__proto__"', `2${siteNsp},914["__proto__",{}]`, 'ignored'],
      ['the event name "constructor"', `2${siteNsp},915["constructor",{}]`, 'ignored'],
      ['the event name "hasOwnProperty"', `2${siteNsp},916["hasOwnProperty",{}]`, 'ignored'],
      ['a known event without a payload', `2${siteNsp},917["session:resume"]`, 'refused'],
      ['a known event with three payloads', `2${siteNsp},918["session:resume",{},{},{}]`, 'refused'],
      ['a known event with a `__proto__` payload', `2${siteNsp},919["session:resume",{"__proto__":{"polluted":true}}]`, 'refused'],
      ['a known event whose payload is 2,000 arrays deep', `2${siteNsp},933["session:resume",${deeplyNestedJson(2_000)}]`, 'refused'],
      ['a known event whose payload is 20,000 arrays deep', `2${siteNsp},920["session:resume",${deeplyNestedJson(20_000)}]`, 'refused or closed'],
      ['a known event whose field is 10,000 objects deep', `2${siteNsp},921["session:resume",{"lastMessageId":${deeplyNestedJson(10_000, 'object')}}]`, 'refused or closed'],
      ['a negative ack id', `2${siteNsp},-5["session:resume",{}]`, 'closed'],
      ['an ack id past 2^53', `2${siteNsp},99999999999999999999["session:resume",{"x":1}]`, 'any'],
      ['an unknown packet type', `7${siteNsp},922["session:resume",{}]`, 'closed'],
      ['an ack for nothing the server sent', `3${siteNsp},923[{"ok":true}]`, 'ignored'],
      ['a second connect to the same namespace', `0${siteNsp},{"siteKey":"x"}`, 'closed'],
      ['a connect_error from the client', `4${siteNsp},{"message":"x"}`, 'closed'],
      ['an event for a namespace this connection has not joined', `2/agent,924["workspace:load",{}]`, 'closed'],
      ['a connect to /agent whose auth is a string', '0/agent,"siteKey"', 'closed'],
      ['a connect to /agent whose auth is an array', '0/agent,[{}]', 'closed'],
      ['an event for a namespace that does not exist', `2/admin,925["x",{}]`, 'closed'],
      ['a binary event announcing 11 attachments', `511-${siteNsp},926["session:resume",{"_placeholder":true,"num":0}]`, 'closed'],
      ['a binary event announcing a negative count', `5-1-${siteNsp},927["session:resume",{}]`, 'closed'],
      ['a placeholder pointing past its attachments', `51-${siteNsp},928["session:resume",{"_placeholder":true,"num":7}]`, 'closed'],
      ['a placeholder with a string index', `51-${siteNsp},929["session:resume",{"_placeholder":true,"num":"0"}]`, 'closed'],
      ['a placeholder 20,000 levels deep', `51-${siteNsp},930["session:resume",${'['.repeat(20_000)}{"_placeholder":true,"num":0}${']'.repeat(20_000)}]`, 'refused or closed'],
      ['a lone binary attachment', '', 'closed'],
      ['a lone surrogate in a field', `2${siteNsp},931["session:resume",{"lastMessageId":"\\ud800"}]`, 'refused'],
      ['a NUL in a field', `2${siteNsp},932["session:resume",{"lastMessageId":"1-0\\u0000"}]`, 'refused'],
      ['nothing at all', '', 'any'],
    ];

    /** Sends one raw packet on a fresh visitor connection and reports what became of it. */
    async function sendRaw(packet: string | Uint8Array, binaryFollows?: Uint8Array) {
      const socket = await connectVisitor(started.url, { siteKey: started.siteKey });
      const engine = (socket.io as unknown as { engine: { send(data: string | Uint8Array): void; on(e: string, f: (m: unknown) => void): void } }).engine;
      const acks: string[] = [];
      engine.on('message', (message) => {
        if (typeof message === 'string' && /^3\/visitor,9\d\d/.test(message)) acks.push(message);
      });
      const closed = new Promise<'closed'>((resolve) => socket.once('disconnect', () => resolve('closed')));
      engine.send(packet);
      if (binaryFollows) engine.send(binaryFollows);
      // Packets are handled in order: the answer to this one (or its closing the connection) comes first.
      const after = await Promise.race([closed, emitWithTimeout(socket, ACK_MS, 'session:resume', {}).catch(() => 'closed' as const)]);
      const closedFirst = after === 'closed' || socket.disconnected;
      socket.disconnect();
      return { acks: acks.map((a) => JSON.parse(a.slice(a.indexOf('['))) as [Ack<unknown>]), closed: closedFirst };
    }

    it('answers, ignores or closes the connection for each malformed packet, never INTERNAL, and changes nothing', async () => {
      const results: unknown[] = [];
      await changesNothing(async () => {
        for (const [name, packet, expected] of rawCases('/visitor')) {
          const binary = name === 'a lone binary attachment' ? new Uint8Array([1, 2, 3]) : undefined;
          const { acks, closed } = binary ? await sendRaw(binary) : await sendRaw(packet, name.includes('placeholder') || name.includes('attachments') ? new Uint8Array([1]) : undefined);
          const outcome = acks.length > 0 ? 'refused' : closed ? 'closed' : 'ignored';
          for (const [ack] of acks) {
            expect(ack.ok ? 'ok' : ack.error.code, name).not.toBe('INTERNAL');
            if (!ack.ok) expect(Object.keys(ERRORS), name).toContain(ack.error.code);
          }
          results.push({ name, outcome: expected === 'any' || (expected === 'refused or closed' && outcome !== 'ignored') ? expected : outcome });
          if (outcome === 'refused') for (const [ack] of acks) expect({ name, code: ack.ok ? 'ok' : ack.error.code }).toEqual({ name, code: 'PAYLOAD_INVALID' });
        }
      });
      expect(results).toEqual(rawCases('/visitor').map(([name, , expected]) => ({ name, outcome: expected })));
    }, 60_000);

    it('survives randomly corrupted packets: any answer has a catalogued code, never INTERNAL, nothing changes', async () => {
      const random = randomFor('raw');
      const templates = [
        '2/visitor,950["session:resume",{"lastMessageId":"1-0"}]',
        '2/visitor,951["message:send",{"clientId":"abc","text":"","topic":"billing"}]',
        '2/visitor,952["visitor:identify",{"userId":"","hash":"zz","email":"no"}]',
      ];
      const mutate = (text: string) => {
        let out = text;
        for (let i = random.int(1, 4); i > 0; i--) {
          const at = random.int(0, out.length);
          const piece = random.pick(['"', '[', ']', '{', '}', ',', ':', '\\', '\\u', '-', '9', 'null', '\u0000', '\ud800', '😀', '/', '"__proto__"', ' ']);
          const roll = random.int(0, 2);
          out = roll === 0 ? out.slice(0, at) + piece + out.slice(at) : roll === 1 ? out.slice(0, at) + out.slice(at + random.int(1, 5)) : out.slice(0, at) + piece + out.slice(at + 1);
        }
        return out;
      };
      const packets = Array.from({ length: 180 }, () => mutate(random.pick(templates)));
      let answered = 0;
      await changesNothing(async () => {
        for (const packet of packets) {
          const { acks } = await sendRaw(packet);
          for (const [ack] of acks) {
            answered += 1;
            if (!ack.ok) {
              expect({ packet, code: ack.error.code }).not.toMatchObject({ code: 'INTERNAL' });
              expect(Object.keys(ERRORS)).toContain(ack.error.code);
            }
          }
        }
      });
      expect(answered).toBeGreaterThan(0);
      total += packets.length;
    }, 60_000);

    it('takes bytes that are not UTF-8 over HTTP long-polling as replacement characters: refused, nothing changes', async () => {
      await changesNothing(async () => {
        const session = await openPolling(started.url, { origin: SHOP_ORIGIN });
        expect(await session.post(`40/visitor,${JSON.stringify({ siteKey: started.siteKey })}`)).toBe(200);
        expect((await session.poll()).packets[0]).toMatch(/^40\/visitor,\{"sid":/);
        const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
        const invalid = [
          bytes('42/visitor,1["session:resume",{"lastMessageId":"', [0xff, 0xfe], '"}]'),
          bytes('42/visitor,2["message:send",{"clientId":"', [0xc3, 0x28], 'abcdefgh","text":"hi"}]'),
          bytes('42/visitor,3["message:send",{"clientId":"abcdefgh-1","text":"', [0xed, 0xa0, 0x80], '","', [0xf8, 0x88, 0x80, 0x80, 0x80], '":1}]'),
          bytes('42/visitor,4["visitor:identify",{"userId":"u","hash":"', [0xc0, 0xaf], 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]'),
        ];
        // All four in one request, as the long-polling framing allows.
        expect(await session.post(Buffer.concat(invalid.flatMap((b, i) => (i ? [Buffer.from(RECORD_SEPARATOR), b] : [b]))))).toBe(200);
        const answers: string[] = [];
        while (answers.length < 4) answers.push(...(await session.poll()).packets.filter((p) => p.startsWith('43/visitor,')));
        for (const answer of answers) expect(JSON.parse(answer.slice(answer.indexOf('[')))).toMatchObject([{ ok: false, error: { code: 'PAYLOAD_INVALID' } }]);

        // A binary body is not allowed in Engine.IO v4 long-polling: that request and session end, nothing else.
        expect(await session.post(Buffer.from([0x34, 0x32, 0xff, 0x00]), 'application/octet-stream')).toBe(400);
        const other = await openPolling(started.url, { origin: SHOP_ORIGIN });
        expect(await other.post(`40/visitor,${JSON.stringify({ siteKey: started.siteKey })}`)).toBe(200);
        expect((await other.poll()).packets[0]).toMatch(/^40\/visitor,/);
        // Over the size limit.
        expect(await other.post(`42/visitor,5["session:resume",{"x":"${'a'.repeat(70_000)}"}]`)).toBe(413);
        await other.close();
        await session.close();
      });
    });

    it('closes only the connection that sends a packet over the size limit or too many attachments', async () => {
      await changesNothing(async () => {
        for (const args of [
          [{ clientId: randomUUID(), text: 'x'.repeat(70_000) }],
          [{ clientId: randomUUID(), text: 'hi', junk: Buffer.alloc(70_000) }],
          [Array.from({ length: 11 }, () => Buffer.from([1]))],
        ]) {
          const visitor = await newVisitor();
          const closed = new Promise<void>((resolve) => visitor.once('disconnect', () => resolve()));
          const attempt = loose(visitor).timeout(ACK_MS).emitWithAck('message:send', ...args).catch((e: Error) => e);
          await closed;
          expect(await attempt).toBeInstanceOf(Error);
        }
      });
      expectOk(await visitorCheck(await newVisitor()));
    });
  });

  describe('handshakes', () => {
    /** Connects with these credentials; the outcome, never a hang. */
    function tryConnect(namespace: '/visitor' | '/agent', auth: unknown, headers: Record<string, string>) {
      const socket: Socket = io(`${started.url}${namespace}`, {
        auth: auth as Record<string, unknown>,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: headers,
      });
      return new Promise<{ connected: boolean; error?: WireError; closed?: boolean }>((resolve) => {
        socket.once('connect', () => {
          resolve({ connected: true });
          socket.disconnect();
        });
        socket.once('connect_error', (error: Error & { data?: WireError }) => {
          resolve({ connected: false, ...(error.data ? { error: error.data } : { closed: true }) });
          socket.disconnect();
        });
        // The client closes its manager just before it reports a refusal: let the refusal come first.
        const closed = () => setImmediate(() => resolve({ connected: false, closed: true }));
        socket.io.once('close', closed);
        socket.once('disconnect', closed);
      });
    }

    it('answers every random visitor handshake with a connection or a catalogued refusal, and changes nothing', async () => {
      const random = randomFor('visitor-handshake');
      const outcomes: string[] = [];
      const bad: string[] = [];
      await changesNothing(async () => {
        for (let i = 0; i < 160; i++) {
          let auth: Record<string, unknown> = {};
          if (random.chance(0.85)) auth.siteKey = random.pick<() => unknown>([() => started.siteKey, () => randomString(random), () => randomNonString(random), () => 'site_nobody'])();
          if (random.chance(0.5)) auth.token = random.pick<() => unknown>([() => activeVisitorToken, () => `${activeVisitorToken}x`, () => randomString(random, 600), () => randomNonString(random), () => `v_x.${'A'.repeat(43)}`])();
          if (random.chance(0.2)) setOwn(auth, random.pick(NASTY_KEYS), randomValue(random));
          let payload: unknown = random.chance(0.1) ? random.pick<unknown>([null, 'siteKey', 42, [auth]]) : random.chance(0.1) ? pollutingObject(random, auth) : auth;
          let origin = random.pick([SHOP_ORIGIN, SHOP_ORIGIN, 'https://evil.example', 'null', 'https://SHOP.example', `${SHOP_ORIGIN}/`, headerSafe(randomString(random, 100)), '']);
          // Every so often a genuine one, so the fuzz also shows what is accepted.
          if (i % 16 === 0) [auth, payload, origin] = [{ siteKey: started.siteKey }, null, SHOP_ORIGIN];
          if (i % 16 === 0) payload = auth;
          const result = await tryConnect('/visitor', payload, origin ? { origin } : {});
          const code = result.connected ? 'connected' : result.error?.code ?? 'closed';
          outcomes.push(code);
          const genuine =
            payload === auth &&
            Object.keys(auth).every((k) => k === 'siteKey' || k === 'token') &&
            auth.siteKey === started.siteKey &&
            (auth.token === undefined || auth.token === activeVisitorToken) &&
            origin === SHOP_ORIGIN;
          if (code !== 'connected' && code !== 'closed' && (!(code in ERRORS) || code === 'INTERNAL')) bad.push(`${JSON.stringify(payload)?.slice(0, 200)} → ${code}`);
          if ((code === 'connected') !== genuine) bad.push(`${genuine ? 'refused' : 'accepted'}: ${JSON.stringify(payload)?.slice(0, 200)} from ${origin} → ${code}`);
        }
      });
      expect(bad, `seed ${SEED}`).toEqual([]);
      const allowed = ['connected', 'closed', 'PAYLOAD_INVALID', 'SITE_NOT_FOUND', 'ORIGIN_NOT_ALLOWED', 'VISITOR_TOKEN_INVALID'];
      expect(outcomes.filter((o) => !allowed.includes(o))).toEqual([]);
      total += outcomes.length;
    }, 30_000);

    it('answers every random agent handshake with a connection or a catalogued refusal, and changes nothing', async () => {
      const random = randomFor('agent-handshake');
      const outcomes: string[] = [];
      const bad: string[] = [];
      await changesNothing(async () => {
        for (let i = 0; i < 100; i++) {
          let cookie = random.pick<() => string>([
            () => cookies.bo,
            () => `${cookies.bo}x`,
            () => `sb_session=${headerSafe(randomString(random, 300))}`,
            () => `sb_session=${encode(randomString(random, 100))}`,
            () => `${cookies.bo}; sb_session=other`,
            () => `sb_session=other; ${cookies.bo}`,
            () => `__proto__=x; constructor=y; ${random.chance(0.5) ? cookies.bo : ''}`,
            () => '',
          ])();
          let origin = random.pick([undefined, started.url, 'https://evil.example', 'null', SHOP_ORIGIN, 'http://127.0.0.1', '']);
          // The agent handshake reads no auth; any object is ignored (non-objects are framing errors, tested above).
          let auth: unknown = random.chance(0.3) ? pollutingObject(random, { [randomString(random, 20)]: randomString(random) }) : {};
          // And three known answers in every ten: accepted, no session, a page of another origin.
          if (i % 10 === 0) [cookie, origin, auth] = [cookies.bo, undefined, {}];
          if (i % 10 === 1) [cookie, origin, auth] = ['', undefined, {}];
          if (i % 10 === 2) [cookie, origin, auth] = [cookies.bo, 'https://evil.example', {}];
          const result = await tryConnect('/agent', auth, { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) });
          const code = result.connected ? 'connected' : result.error?.code ?? 'closed';
          outcomes.push(code);
          // The first sb_session cookie counts; the console's own origin, or none, may carry it.
          const session = /(?:^|;\s*)sb_session=([^;]*)/.exec(cookie)?.[1];
          const genuine = `sb_session=${session}` === cookies.bo && (!origin || origin === started.url);
          if (code !== 'connected' && code !== 'closed' && (!(code in ERRORS) || code === 'INTERNAL')) bad.push(`${cookie} from ${origin} → ${code}`);
          if ((code === 'connected') !== genuine) bad.push(`${genuine ? 'refused' : 'accepted'}: ${cookie.slice(0, 100)} from ${origin} with ${JSON.stringify(auth)?.slice(0, 80)} → ${code}`);
        }
      });
      expect(bad, `seed ${SEED}`).toEqual([]);
      expect(outcomes).toContain('connected');
      expect(outcomes).toContain('AUTH_REQUIRED');
      expect(outcomes).toContain('ORIGIN_NOT_ALLOWED');
      total += outcomes.length;
    }, 30_000);
  });

  describe('REST', () => {
    type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD' | 'OPTIONS';
    interface Request {
      method: Method;
      url: string;
      headers: Record<string, string>;
      payload?: string | Buffer;
      /** True when the request is wrong by construction and must be refused. */
      mustRefuse: boolean;
      mutation: string;
    }
    interface Route {
      method: Method;
      /** The path as the router names it, for the coverage check. */
      template: string;
      path: (site: string, id: string) => string;
      /** Who may call it; the fuzzer calls admin routes as the site's admin, so only the mutation can be wrong. */
      auth: 'none' | 'admin' | 'agent';
      body?: () => Record<string, unknown>;
      query?: (site: string) => Record<string, string>;
      /** An id the path carries (visitor or rule), with its pattern if it has one. */
      id?: { valid: () => string; pattern?: RegExp };
      /** Calling it with a valid session would change the session (log-out routes): never sent the real cookie. */
      sessionChanging?: boolean;
    }
    const routes = (): [string, Route][] => [
      ['POST /api/v1/sessions', { method: 'POST', template: '/api/v1/sessions', path: () => '/api/v1/sessions', auth: 'none', sessionChanging: true, body: () => ({ email: `nobody-${randomUUID()}@agents.example`, password: 'not-the-password' }) }],
      ['GET /api/v1/sessions/current', { method: 'GET', template: '/api/v1/sessions/current', path: () => '/api/v1/sessions/current', auth: 'agent' }],
      ['DELETE /api/v1/sessions', { method: 'DELETE', template: '/api/v1/sessions', path: () => '/api/v1/sessions', auth: 'agent', sessionChanging: true }],
      ['DELETE /api/v1/sessions/current', { method: 'DELETE', template: '/api/v1/sessions/current', path: () => '/api/v1/sessions/current', auth: 'none', sessionChanging: true }],
      ['GET routing', { method: 'GET', template: '/api/v1/sites/:siteKey/routing', path: (site) => `/api/v1/sites/${site}/routing`, auth: 'agent' }],
      ['PATCH routing/settings', { method: 'PATCH', template: '/api/v1/sites/:siteKey/routing/settings', path: (site) => `/api/v1/sites/${site}/routing/settings`, auth: 'admin', body: () => ({ topicQuestion: false }) }],
      ['POST routing/rules', { method: 'POST', template: '/api/v1/sites/:siteKey/routing/rules', path: (site) => `/api/v1/sites/${site}/routing/rules`, auth: 'admin', body: () => ({ phrase: 'gift card', queue: 'service' }) }],
      ['POST routing/try', { method: 'POST', template: '/api/v1/sites/:siteKey/routing/try', path: (site) => `/api/v1/sites/${site}/routing/try`, auth: 'admin', body: () => ({ text: 'my invoice is wrong' }) }],
      ['GET routing/learning', { method: 'GET', template: '/api/v1/sites/:siteKey/routing/learning', path: (site) => `/api/v1/sites/${site}/routing/learning`, auth: 'admin' }],
      ['POST routing/learning/retrain', { method: 'POST', template: '/api/v1/sites/:siteKey/routing/learning/retrain', path: (site) => `/api/v1/sites/${site}/routing/learning/retrain`, auth: 'admin' }],
      ['POST routing/learning/rollback', { method: 'POST', template: '/api/v1/sites/:siteKey/routing/learning/rollback', path: (site) => `/api/v1/sites/${site}/routing/learning/rollback`, auth: 'admin' }],
      ['DELETE routing/rules/:id', { method: 'DELETE', template: '/api/v1/sites/:siteKey/routing/rules/:id', path: (site, id) => `/api/v1/sites/${site}/routing/rules/${id}`, auth: 'admin', id: { valid: () => 'rule_missing' } }],
      ['GET routing/corrections', { method: 'GET', template: '/api/v1/sites/:siteKey/routing/corrections', path: (site) => `/api/v1/sites/${site}/routing/corrections`, auth: 'admin', query: () => ({ format: 'jsonl' }) }],
      ['GET visitors/:id/export', { method: 'GET', template: '/api/v1/sites/:siteKey/visitors/:visitorId/export', path: (site, id) => `/api/v1/sites/${site}/visitors/${id}/export`, auth: 'admin', id: { valid: () => 'v_nobody', pattern: ID_PATTERN } }],
      ['DELETE visitors/:id', { method: 'DELETE', template: '/api/v1/sites/:siteKey/visitors/:visitorId', path: (site, id) => `/api/v1/sites/${site}/visitors/${id}`, auth: 'admin', id: { valid: () => 'v_nobody', pattern: ID_PATTERN } }],
      ['GET audit', { method: 'GET', template: '/api/v1/sites/:siteKey/audit', path: (site) => `/api/v1/sites/${site}/audit`, auth: 'admin', query: () => ({ limit: '10' }) }],
      ['GET metrics', { method: 'GET', template: '/api/v1/metrics', path: () => '/api/v1/metrics', auth: 'agent', query: (site) => ({ site, from: '0', to: '86400000' }) }],
      ['GET metrics/live', { method: 'GET', template: '/api/v1/metrics/live', path: () => '/api/v1/metrics/live', auth: 'agent', query: () => ({ token: 'not-a-token' }) }],
      ['POST api-tokens', { method: 'POST', template: '/api/v1/sites/:siteKey/api-tokens', path: (site) => `/api/v1/sites/${site}/api-tokens`, auth: 'admin', body: () => ({ name: 'wallboard' }) }],
      ['PATCH agents/:id', { method: 'PATCH', template: '/api/v1/sites/:siteKey/agents/:agentId', path: (site, id) => `/api/v1/sites/${site}/agents/${id}`, auth: 'admin', id: { valid: () => 'a_nobody', pattern: ID_PATTERN }, body: () => ({ capacity: 3 }) }],
      ['GET webhooks', { method: 'GET', template: '/api/v1/sites/:siteKey/webhooks', path: (site) => `/api/v1/sites/${site}/webhooks`, auth: 'admin' }],
      ['POST webhooks', { method: 'POST', template: '/api/v1/sites/:siteKey/webhooks', path: (site) => `/api/v1/sites/${site}/webhooks`, auth: 'admin', body: () => ({ url: 'https://hooks.example/in' }) }],
      ['DELETE webhooks/:id', { method: 'DELETE', template: '/api/v1/sites/:siteKey/webhooks/:id', path: (site, id) => `/api/v1/sites/${site}/webhooks/${id}`, auth: 'admin', id: { valid: () => 'wh_missing', pattern: ID_PATTERN } }],
      ['GET canned-replies', { method: 'GET', template: '/api/v1/sites/:siteKey/canned-replies', path: (site) => `/api/v1/sites/${site}/canned-replies`, auth: 'agent' }],
      ['POST canned-replies', { method: 'POST', template: '/api/v1/sites/:siteKey/canned-replies', path: (site) => `/api/v1/sites/${site}/canned-replies`, auth: 'admin', body: () => ({ shortcut: 'hello', text: 'Hello {{visitor.firstName}}' }) }],
      ['PATCH canned-replies/:id', { method: 'PATCH', template: '/api/v1/sites/:siteKey/canned-replies/:id', path: (site, id) => `/api/v1/sites/${site}/canned-replies/${id}`, auth: 'admin', id: { valid: () => 'cr_missing', pattern: ID_PATTERN }, body: () => ({ text: 'Hi' }) }],
      ['DELETE canned-replies/:id', { method: 'DELETE', template: '/api/v1/sites/:siteKey/canned-replies/:id', path: (site, id) => `/api/v1/sites/${site}/canned-replies/${id}`, auth: 'admin', id: { valid: () => 'cr_missing', pattern: ID_PATTERN } }],
      // Attachments: the body is the file's raw bytes (not JSON), so the fuzzer varies the path, query, session and origin.
      ['POST conversations/:id/files', { method: 'POST', template: '/api/v1/sites/:siteKey/conversations/:conversationId/files', path: (site, id) => `/api/v1/sites/${site}/conversations/${id}/files`, auth: 'agent', id: { valid: () => 'c_nobody', pattern: ID_PATTERN }, query: () => ({ name: 'shot.png', clientId: 'client-fuzz-0001' }) }],
      ['OPTIONS conversations/:id/files', { method: 'OPTIONS', template: '/api/v1/sites/:siteKey/conversations/:conversationId/files', path: (site, id) => `/api/v1/sites/${site}/conversations/${id}/files`, auth: 'none', id: { valid: () => 'c_nobody', pattern: ID_PATTERN } }],
      ['GET files/:fileId/link', { method: 'GET', template: '/api/v1/sites/:siteKey/conversations/:conversationId/files/:fileId/link', path: (site, id) => `/api/v1/sites/${site}/conversations/${id}/files/f_nobody/link`, auth: 'agent', id: { valid: () => 'c_nobody', pattern: ID_PATTERN } }],
      ['OPTIONS files/:fileId/link', { method: 'OPTIONS', template: '/api/v1/sites/:siteKey/conversations/:conversationId/files/:fileId/link', path: (site, id) => `/api/v1/sites/${site}/conversations/${id}/files/f_nobody/link`, auth: 'none', id: { valid: () => 'c_nobody', pattern: ID_PATTERN } }],
      ['GET webhooks/:id/deliveries', { method: 'GET', template: '/api/v1/sites/:siteKey/webhooks/:id/deliveries', path: (site, id) => `/api/v1/sites/${site}/webhooks/${id}/deliveries`, auth: 'admin', id: { valid: () => 'wh_missing', pattern: ID_PATTERN } }],
      ['GET sites', { method: 'GET', template: '/api/v1/sites', path: () => '/api/v1/sites', auth: 'agent' }],
      ['POST sites', { method: 'POST', template: '/api/v1/sites', path: () => '/api/v1/sites', auth: 'admin', body: () => ({ name: 'Fuzz shop', origins: ['https://fuzz.example'] }) }],
      ['GET sites/:siteKey', { method: 'GET', template: '/api/v1/sites/:siteKey', path: (site) => `/api/v1/sites/${site}`, auth: 'admin' }],
      ['PATCH sites/:siteKey', { method: 'PATCH', template: '/api/v1/sites/:siteKey', path: (site) => `/api/v1/sites/${site}`, auth: 'admin', body: () => ({ name: 'Renamed shop' }) }],
      ['POST identity-secret', { method: 'POST', template: '/api/v1/sites/:siteKey/identity-secret', path: (site) => `/api/v1/sites/${site}/identity-secret`, auth: 'admin' }],
      ['GET agents', { method: 'GET', template: '/api/v1/sites/:siteKey/agents', path: (site) => `/api/v1/sites/${site}/agents`, auth: 'admin' }],
      ['POST agents', { method: 'POST', template: '/api/v1/sites/:siteKey/agents', path: (site) => `/api/v1/sites/${site}/agents`, auth: 'admin', body: () => ({ email: 'fuzzed@agents.example', password: 'fuzzed-password', skills: ['service'] }) }],
      ['GET api-tokens', { method: 'GET', template: '/api/v1/sites/:siteKey/api-tokens', path: (site) => `/api/v1/sites/${site}/api-tokens`, auth: 'admin' }],
      ['DELETE api-tokens/:id', { method: 'DELETE', template: '/api/v1/sites/:siteKey/api-tokens/:id', path: (site, id) => `/api/v1/sites/${site}/api-tokens/${id}`, auth: 'admin', id: { valid: () => 'abcdef0123456789', pattern: ID_PATTERN } }],
      ['PUT account/password', { method: 'PUT', template: '/api/v1/account/password', path: () => '/api/v1/account/password', auth: 'agent', body: () => ({ currentPassword: 'not-the-password', newPassword: 'a-new-password' }) }],
      ['POST password-resets', { method: 'POST', template: '/api/v1/password-resets', path: () => '/api/v1/password-resets', auth: 'none', body: () => ({ email: `nobody-${randomUUID()}@agents.example` }) }],
      ['POST password-resets/confirm', { method: 'POST', template: '/api/v1/password-resets/confirm', path: () => '/api/v1/password-resets/confirm', auth: 'none', body: () => ({ token: 'x'.repeat(43), password: 'whatever-password' }) }],
      ['GET openapi.json', { method: 'GET', template: '/api/v1/openapi.json', path: () => '/api/v1/openapi.json', auth: 'none' }],
      ['GET conversations', { method: 'GET', template: '/api/v1/sites/:siteKey/conversations', path: (site) => `/api/v1/sites/${site}/conversations`, auth: 'agent', // No `q`: it is free text, any string a valid search (its bad cases are in history.test.ts).
        query: () => ({ status: 'resolved', limit: '10' }) }],
      ['GET conversations/:id', { method: 'GET', template: '/api/v1/sites/:siteKey/conversations/:conversationId', path: (site, id) => `/api/v1/sites/${site}/conversations/${id}`, auth: 'agent', id: { valid: () => 'c_nobody', pattern: ID_PATTERN } }],
      ['GET conversations/:id/transcript', { method: 'GET', template: '/api/v1/sites/:siteKey/conversations/:conversationId/transcript', path: (site, id) => `/api/v1/sites/${site}/conversations/${id}/transcript`, auth: 'agent', id: { valid: () => 'c_nobody', pattern: ID_PATTERN } }],
    ];

    /** The methods that some route answers at this route's path. */
    const methodsAt = (route: Route) => routes().filter(([, other]) => other.path('S', 'I') === route.path('S', 'I')).map(([, other]) => other.method);
    const queryString = (query: Record<string, string | string[]>) => {
      const parts = Object.entries(query).flatMap(([k, v]) => [v].flat().map((one) => `${encode(k)}=${encode(one)}`));
      return parts.length ? `?${parts.join('&')}` : '';
    };
    const malformedJson = (random: Random, valid: string) =>
      random.pick([
        valid.slice(0, random.int(0, valid.length - 1)),
        `${valid}}`,
        `${valid},`,
        valid.replaceAll('"', "'"),
        `\ufeff${valid.slice(1)}`,
        'NaN',
        '{"a":undefined}',
        '{a:1}',
        '[1,]',
        `${valid}${valid}`,
        '\u0000',
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        `{"a":${'['.repeat(100_000).slice(0, 60_000)}`,
      ]);

    /** One request to `route`, wrong in one way (or several). */
    function malformedRequest(route: Route, random: Random, siteKey: string, admin: string): Request {
      const id = route.id?.valid() ?? '';
      const cookie = route.sessionChanging ? 'sb_session=fuzz-not-a-session' : admin;
      const base = (): Request => ({
        method: route.method,
        url: route.path(siteKey, id) + (route.query ? queryString(route.query(siteKey)) : ''),
        headers: { cookie, ...(route.body ? { 'content-type': 'application/json' } : {}) },
        ...(route.body ? { payload: JSON.stringify(route.body()) } : {}),
        mustRefuse: route.auth !== 'none' && route.sessionChanging === true,
        mutation: 'none',
      });
      const kinds = [
        'auth',
        'method',
        'site-param',
        'path',
        // Only state-changing methods are checked for their origin (a page cannot read a GET's answer without CORS).
        ...(route.auth !== 'none' && !route.sessionChanging && route.method !== 'GET' ? ['origin'] : []),
        ...(route.body ? ['body-not-object', 'body-extra', 'body-missing', 'body-wrong-type', 'body-malformed', 'body-content-type', 'body-huge', 'body-not-utf8', 'body-deep', 'body-prototype'] : []),
        ...(route.query ? ['query-bad', 'query-extra', 'query-repeated'] : []),
        ...(route.id?.pattern ? ['id-param'] : []),
      ];
      const request = base();
      const mutation = random.pick(kinds);
      request.mutation = mutation;
      request.mustRefuse = true;
      const body = route.body?.() ?? {};
      const keys = Object.keys(body);
      switch (mutation) {
        case 'auth':
          request.headers.cookie = random.pick(['', 'sb_session=', 'sb_session=nope', `sb_session=${randomUUID()}`, 'sb_session=%E0%A4%A', `sb_session=${'a'.repeat(4_000)}`, '__proto__=1']);
          // Log-in and log-out take no session, so a bad cookie is not an error there.
          request.mustRefuse = route.auth !== 'none';
          if (!request.headers.cookie) delete request.headers.cookie;
          break;
        case 'method':
          // A method no route has at this path: 404, whoever asks.
          request.method = random.pick((['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'] as Method[]).filter((m) => !methodsAt(route).includes(m)));
          break;
        case 'site-param': {
          if (!route.path('SITE', 'ID').includes('SITE')) {
            request.url = `${request.url}/${encode(randomString(random, 40))}`;
            break;
          }
          const site = random.pick<() => string>([
            () => encode(withBadCharacter(random)),
            () => 's'.repeat(random.int(65, 99)),
            () => 'site_nobody_has',
            () => encode(random.pick(NASTY_STRINGS.filter((s) => s.length > 0 && !ID_PATTERN.test(s)))),
            () => `${siteKey}%00`,
            () => siteKey.toUpperCase(),
          ])();
          request.url = route.path(site, id) + (route.query ? queryString(route.query(siteKey)) : '');
          break;
        }
        case 'path':
          request.url = random.pick([
            `${request.url}/`,
            `${request.url}/..`,
            request.url.replace('/api/v1/', '/api/v2/'),
            request.url.replace('/api/v1/', '/api/v1//'),
            `${request.url.split('?')[0]}/${'x'.repeat(random.int(1, 300))}`,
            `/api/v1/../../${request.url}`,
            request.url.replace('/api/v1/', '/API/V1/'),
            `${request.url.split('?')[0]}%2F..%2F..%2Fpackage.json`,
          ]);
          // Some of these still name the same route (`/api/v1/../../api/v1/…` is folded by the URL parser), so
          // they go without a session: whatever route they reach, it may answer but not act.
          if (route.auth !== 'none') request.headers.cookie = 'sb_session=fuzz-not-a-session';
          request.mustRefuse = false;
          break;
        case 'origin':
          request.headers.origin = random.pick(['https://evil.example', 'null', SHOP_ORIGIN, 'http://localhost:1', headerSafe(randomString(random, 60)) || 'x']);
          break;
        case 'body-not-object':
          request.payload = JSON.stringify(random.pick<unknown>([null, 42, 'text', true, [body], [], JSON.stringify(body)]));
          break;
        case 'body-extra': {
          const payload = { ...body };
          setOwn(payload, random.pick(NASTY_KEYS.filter((k) => !keys.includes(k) && k !== '__proto__')), randomValue(random));
          request.payload = JSON.stringify(payload);
          break;
        }
        case 'body-missing': {
          const payload = { ...body };
          if (keys.length > 0) delete payload[random.pick(keys)];
          request.payload = JSON.stringify(payload);
          break;
        }
        case 'body-wrong-type': {
          const payload: Record<string, unknown> = { ...body };
          const key = random.pick(keys);
          payload[key] = random.pick([42, null, true, 'yes', [], {}, ['gift card'], deeplyNested(50)].filter((v) => typeof v !== typeof body[key]));
          request.payload = JSON.stringify(payload);
          break;
        }
        case 'body-malformed':
          request.payload = malformedJson(random, JSON.stringify(body));
          break;
        case 'body-content-type':
          request.headers['content-type'] = random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/xml', 'text/json']);
          break;
        case 'body-huge': {
          const payload: Record<string, unknown> = { ...body };
          payload[random.pick(keys)] = 'x'.repeat(random.pick([70_000, 200_000]));
          request.payload = JSON.stringify(payload);
          break;
        }
        case 'body-not-utf8': {
          const json = JSON.stringify({ ...body, [random.pick(['extra', 'z'])]: 'X' });
          const at = json.lastIndexOf('X');
          request.payload = Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from(random.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), Buffer.from(json.slice(at + 1))]);
          break;
        }
        case 'body-deep': {
          // Written as text: JSON.stringify itself recurses.
          const key = keys.length > 0 ? random.pick(keys) : 'x';
          const rest = JSON.stringify(Object.fromEntries(Object.entries(body).filter(([k]) => k !== key)));
          request.payload = `{"${key}":${deeplyNestedJson(random.int(500, 10_000), random.chance(0.5) ? 'array' : 'object')}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}`;
          break;
        }
        case 'body-prototype':
          request.payload = JSON.stringify(pollutingObject(random, body));
          break;
        case 'query-bad': {
          const query = route.query!(siteKey);
          const key = Object.keys(query)[0]!;
          request.url = route.path(siteKey, id) + queryString({ [key]: random.pick(['0', '1001', '-1', 'abc', '1e2', ' 1', '01', 'json ', 'JSONL', '', '%00', '10.5', '１']) });
          break;
        }
        case 'query-extra':
          request.url = route.path(siteKey, id) + queryString({ ...route.query!(siteKey), [random.pick(['__proto__', 'constructor', 'siteKey', 'x'])]: '1' });
          break;
        case 'query-repeated': {
          const query = route.query!(siteKey);
          const [key, value] = Object.entries(query)[0]!;
          request.url = route.path(siteKey, id) + queryString({ [key]: [value, value] });
          break;
        }
        case 'id-param':
          request.url = route.path(siteKey, random.pick([encode(withBadCharacter(random)), 'v'.repeat(random.int(65, 99)), '%2e%2e', encode('v_x\u0000')]));
          break;
      }
      return request;
    }

    it('fuzzes every /api/ route the app has', () => {
      expect(routes().map(([, r]) => `${r.method} ${r.template}`).sort()).toEqual(listApiRoutes(started.app));
    });

    it('answers every malformed request to every route with a catalogued 4xx, never 500, and changes nothing', async () => {
      const random = randomFor('rest');
      const wrong: string[] = [];
      let count = 0;
      for (const [name, route] of routes()) {
        await changesNothing(async () => {
          for (let i = 0; i < (name.startsWith('POST /api/v1/sessions') ? 120 : 110); i++) {
            const request = malformedRequest(route, random, started.siteKey, cookies.ada);
            const response = await started.app.inject({ method: request.method, url: request.url, headers: request.headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
            count += 1;
            const status = response.statusCode;
            let code: string | undefined;
            try {
              code = (JSON.parse(response.body) as { error?: WireError }).error?.code;
            } catch {
              code = undefined;
            }
            const where = `${name} [${request.mutation}] ${request.method} ${request.url.slice(0, 120)} → ${status} ${response.body.slice(0, 160)}`;
            // A catalogued 503 (EMAIL_DISABLED: this server sends no email) is an answer, not a failure.
            if ((status >= 500 && code !== 'EMAIL_DISABLED') || code === 'INTERNAL') wrong.push(`server error: ${where}`);
            else if (status >= 400 && request.method !== 'HEAD' && (code === undefined || !(code in ERRORS) || ERRORS[code as ErrorCode].status !== status)) wrong.push(`uncatalogued: ${where}`);
            else if (request.mustRefuse && status < 400) wrong.push(`accepted: ${where}`);
          }
        });
      }
      expect(wrong, `seed ${SEED}`).toEqual([]);
      total += count;
    }, 60_000);

    it('serves no file outside the built assets, whatever the path', async () => {
      for (const url of ['/../package.json', '/%2e%2e/package.json', '/console/..%2f..%2fpackage.json', '/widget/%2e%2e/%2e%2e/package.json', '/..%5c..%5cpackage.json', '/%252e%252e/package.json', '/.env', '/console/../../server/config.ts']) {
        const response = await started.app.inject({ method: 'GET', url });
        expect({ url, status: response.statusCode < 500, leaks: response.body.includes('"devDependencies"') || response.body.includes('loadConfig') }).toEqual({ url, status: true, leaks: false });
      }
    });
  });

  it('still runs a whole conversation afterwards, and nothing reached Object.prototype', async () => {
    const visitor = await newVisitor();
    const agent = await connectAgent(started.url, cookies.bo);
    const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'Still there after all that?' }));
    const updated = waitFor(visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(agent, ACK_MS, 'conversation:take', { conversationId: sent.conversation.id }));
    await updated;
    const reply = waitFor<[MessageView]>(visitor, 'message:new');
    expectOk(await emitWithTimeout(agent, ACK_MS, 'message:send', { conversationId: sent.conversation.id, clientId: randomUUID(), text: 'Yes!' }));
    expect((await reply)[0].text).toBe('Yes!');
    const ended = waitFor<[{ status: string }]>(visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(agent, ACK_MS, 'conversation:resolve', { conversationId: sent.conversation.id }));
    expect((await ended)[0].status).toBe('resolved');

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    for (const key of ['polluted', 'isAdmin', 'role']) expect(({} as Record<string, unknown>)[key], key).toBeUndefined();
  });

  afterEach(() => disconnectAll());
});
