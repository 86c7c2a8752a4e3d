/**
 * One view per audience: everything a visitor's sockets receive (pushes and acks, on two tabs)
 * through a whole life of a conversation — identified, routed, re-routed, taken, answered,
 * transferred with a note, handed over with a note, handed back, resolved under a category, rated,
 * reopened, with typing and seen both ways and internal notes written on the way (active, resolved) — is held to an allow-list of fields per event, written here on purpose and not
 * imported, so that a field added to the record or to an event fails this test until someone
 * decides that visitors may see it. The agents' notes carry a marker that must never reach a widget.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually, waitFor } from '../helpers/wait-for';
import { pdfBytes, pngBytes, uploadFile } from '../helpers/test-files';

const CONVERSATION_FIELDS = [
  'id',
  'status',
  'queue',
  'createdAt',
  'queuedAt',
  'leftMessage',
  'assignedAgentName',
  'assignedAt',
  'resolvedAt',
  'reopenedAt',
  'abandonedAt',
  'rating',
];
const MESSAGE_FIELDS = ['id', 'conversationId', 'clientId', 'author', 'agentName', 'text', 'createdAt', 'attachment'];
/** An attachment message's file: what it is, and a link minted for the visitor. */
const ATTACHMENT_FIELDS = ['id', 'name', 'size', 'type', 'width', 'height', 'url'];
const POSITION_FIELDS = ['conversationId', 'queue', 'position', 'estimatedWaitMs', 'agentsOnline'];
const RATING_FIELDS = ['csat', 'ces', 'nps', 'comment', 'at'];
const SESSION_FIELDS = ['site', 'visitorId', 'token', 'conversation', 'messages', 'position', 'lastSeen'];
const LAST_SEEN_FIELDS = ['visitor', 'agent'];
const TYPING_FIELDS = ['conversationId', 'by', 'typing'];
const SEEN_FIELDS = ['conversationId', 'by', 'lastSeenId'];
const SITE_FIELDS = [
  'name',
  'topicQuestion',
  'available',
  'npsSurvey',
  'reopenWithinMinutes',
  'accentColor',
  'accentTextColor',
  'position',
  'teamNames',
  'greeting',
  'agentInitials',
  // issue 16: the site's own picture for the header, set by its admins.
  'avatarUrl',
  'defaultLanguage',
  'strings',
  'prechat',
  'maxFileBytes',
];
const IDENTITY_FIELDS = ['userId', 'name', 'email', 'verified'];
const SENT_FIELDS = ['message', 'conversation', 'duplicate'];
/** The page context is the team's: the visitor is told only when it was kept. */
const CONTEXT_ACK_FIELDS = ['at'];

/** What each thing a visitor can receive may hold; anything else, or an event not listed, fails. */
function expectAllowed(kind: string, value: unknown): void {
  const fieldsOf = (v: unknown) => Object.keys(v as object);
  const within = (v: unknown, allowed: string[], where: string) =>
    expect(fieldsOf(v).filter((f) => !allowed.includes(f)), `${where} carries fields a visitor may not see`).toEqual([]);
  const message = (v: unknown, where: string) => {
    within(v, MESSAGE_FIELDS, where);
    const attachment = (v as { attachment?: unknown }).attachment;
    if (attachment) within(attachment, ATTACHMENT_FIELDS, `${where}.attachment`);
  };
  const conversation = (v: unknown, where: string) => {
    within(v, CONVERSATION_FIELDS, where);
    const rating = (v as { rating?: unknown }).rating;
    if (rating) within(rating, RATING_FIELDS, `${where}.rating`);
  };
  switch (kind) {
    case 'conversation:updated':
    case 'ack conversation:rate':
      return conversation(value, kind);
    case 'message:new':
      return message(value, kind);
    case 'http file upload':
      within(value, ['message', 'duplicate'], kind);
      return message((value as { message: unknown }).message, `${kind}.message`);
    case 'queue:position':
      return within(value, POSITION_FIELDS, kind);
    case 'ack message:send': {
      within(value, SENT_FIELDS, kind);
      const sent = value as { message: unknown; conversation: unknown };
      message(sent.message, `${kind}.message`);
      return conversation(sent.conversation, `${kind}.conversation`);
    }
    case 'ack session:resume': {
      within(value, SESSION_FIELDS, kind);
      const session = value as { site: unknown; conversation: unknown; messages: unknown[]; position: unknown };
      within(session.site, SITE_FIELDS, `${kind}.site`);
      if (session.conversation) conversation(session.conversation, `${kind}.conversation`);
      for (const m of session.messages) message(m, `${kind}.messages[]`);
      if (session.position) within(session.position, POSITION_FIELDS, `${kind}.position`);
      return within((value as { lastSeen: unknown }).lastSeen, LAST_SEEN_FIELDS, `${kind}.lastSeen`);
    }
    case 'conversation:typing':
      return within(value, TYPING_FIELDS, kind);
    case 'message:seen':
      return within(value, SEEN_FIELDS, kind);
    case 'ack typing:set':
      return within(value, ['relayed'], kind);
    case 'ack message:seen':
      return within(value, LAST_SEEN_FIELDS, kind);
    case 'ack visitor:identify':
      return within(value, IDENTITY_FIELDS, kind);
    case 'ack visitor:context':
      return within(value, CONTEXT_ACK_FIELDS, kind);
    default:
      throw new Error(`the visitor received "${kind}", which has no allow-list here: add one on purpose`);
  }
}

describe('what a visitor is sent', () => {
  let started: StartedApp;
  const MARKER = `agent-only-${randomUUID()}`;
  /** Everything the visitor's two tabs received, in order: [what, payload]. */
  const received: [string, unknown][] = [];

  /** A visitor tab whose every push is kept, and whose acks are kept by `ask`. */
  async function tab(token?: string): Promise<VisitorClient> {
    const socket = await connectVisitor(started.url, { siteKey: started.siteKey, ...(token ? { token } : {}) });
    socket.onAny((event: string, payload: unknown) => received.push([event, payload]));
    return socket;
  }
  async function ask<T>(socket: VisitorClient, event: string, payload: unknown): Promise<T> {
    const data = expectOk(await emitWithTimeout(socket, 3000, event as 'session:resume', payload as never));
    received.push([`ack ${event}`, data]);
    return data as T;
  }
  const agentDo = async (agent: AgentClient, event: string, payload: unknown) =>
    expectOk(await emitWithTimeout(agent, 3000, event as 'conversation:take', payload as never));

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    // Everything that could leak is switched on: the IP kept, the NPS question asked.
    await started.app.store.updateSiteSettings(started.siteKey, { ...DEFAULT_SITE_SETTINGS, storeVisitorIp: true, npsSurvey: true });
  });
  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  it('holds every push and ack of a whole conversation to the visitor allow-lists, and never carries an agent note', async () => {
    const first = await tab();
    const session = await ask<{ token: string }>(first, 'session:resume', {});
    const second = await tab(session.token);
    await ask(second, 'session:resume', {});
    await ask(first, 'visitor:identify', { userId: 'u-1', name: 'Ada', email: 'ada@example.com' });
    const page = { url: `https://shop.example/cart?ref=${MARKER}`, title: 'Cart' };
    await ask(first, 'visitor:context', { page, language: 'en-GB', timeZone: 'Europe/London', custom: { note: MARKER } });

    // "hello" has no signal: placed by default, then moved by a clearer message (the router's reasoning stays with the team).
    const { conversation } = await ask<{ conversation: { id: string } }>(first, 'message:send', { clientId: randomUUID(), text: 'hello' });
    await waitFor(first, 'queue:position');
    await ask(first, 'message:send', { clientId: randomUUID(), text: 'I was charged twice for my order, I want a refund' });

    const sam = await connectAgent(started.url, started.serviceAgent);
    const sasha = await connectAgent(started.url, started.supportAgent);
    const bo = await connectAgent(started.url, started.bothAgent);
    await agentDo(sam, 'conversation:take', { conversationId: conversation.id });
    // Internal notes are kept in the thread beside the messages: the holder's, seen by the team only.
    await agentDo(sam, 'note:add', { conversationId: conversation.id, clientId: randomUUID(), text: `note: ${MARKER}` });
    // Signals both ways: the visitor types and reads, the agent types and reads.
    await ask(first, 'typing:set', { conversationId: conversation.id, typing: true });
    const agentTyping = waitFor(first, 'conversation:typing');
    await agentDo(sam, 'typing:set', { conversationId: conversation.id, typing: true });
    await agentTyping;
    const { message: samSaid } = (await agentDo(sam, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Let me look' })) as unknown as { message: { id: string } };
    await ask(first, 'message:seen', { conversationId: conversation.id, lastSeenId: samSaid.id });
    // Files both ways: the visitor's upload is answered over HTTP, the agent's reaches the widget as message:new.
    const shot = await uploadFile(started, conversation.id, pngBytes(8, 8), 'shot.png', { token: session.token });
    received.push(['http file upload', await shot.json()]);
    const agentFile = waitFor(first, 'message:new');
    expect((await uploadFile(started, conversation.id, pdfBytes(), 'invoice.pdf', { cookie: await logIn(started.url, started.serviceAgent) })).status).toBe(201);
    await agentFile;
    const agentSeen = waitFor(first, 'message:seen');
    await agentDo(sam, 'message:seen', { conversationId: conversation.id, lastSeenId: samSaid.id });
    await agentSeen;
    await agentDo(sam, 'conversation:transfer', { conversationId: conversation.id, queue: 'support', note: `for support: ${MARKER}` });
    await agentDo(sasha, 'conversation:take', { conversationId: conversation.id });
    await agentDo(sasha, 'conversation:hand-over', { conversationId: conversation.id, agentId: started.bothAgent.view.id, note: `over to Bo: ${MARKER}` });
    await agentDo(bo, 'conversation:release', { conversationId: conversation.id });
    await agentDo(bo, 'conversation:take', { conversationId: conversation.id });
    await agentDo(bo, 'note:add', { conversationId: conversation.id, clientId: randomUUID(), text: `Bo's note: ${MARKER}` });
    await agentDo(bo, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Fixed it' });
    // A tab opened now resumes the whole thread, the notes' places in it included.
    await ask(await tab(session.token), 'session:resume', {});
    const resolvedTold = waitFor(second, 'conversation:updated');
    await agentDo(bo, 'conversation:resolve', { conversationId: conversation.id, category: 'Bug' });
    await resolvedTold;
    await ask(first, 'conversation:rate', { conversationId: conversation.id, ces: 2, nps: 9, comment: 'quick' });
    await ask(first, 'message:send', { clientId: randomUUID(), text: 'one more thing', reopen: conversation.id });
    await agentDo(bo, 'conversation:take', { conversationId: conversation.id });
    await agentDo(bo, 'note:add', { conversationId: conversation.id, clientId: randomUUID(), text: `after the end: ${MARKER}` });
    await agentDo(bo, 'conversation:resolve', { conversationId: conversation.id });
    const third = await tab(session.token);
    await ask(third, 'session:resume', {});

    // The team did see what the visitor must not: the probe is not vacuous.
    const stored = (await started.app.store.getConversation(started.siteKey, conversation.id))!;
    expect(stored.transfer?.note).toContain(MARKER);
    expect(stored.visitorIp).toBeDefined();
    expect(stored.category).toBe('Bug');
    expect(stored.context?.custom?.note).toBe(MARKER);
    const notes = (await started.app.store.messagesAfter(started.siteKey, conversation.id, undefined, 100)).filter((m) => m.kind === 'note');
    expect(notes.map((n) => n.text)).toEqual([`note: ${MARKER}`, `Bo's note: ${MARKER}`, `after the end: ${MARKER}`]);

    await eventually(() => expect(received.filter(([kind]) => kind === 'conversation:updated').length).toBeGreaterThan(5));
    const kinds = new Set(received.map(([kind]) => kind));
    for (const kind of [
      'conversation:updated',
      'message:new',
      'queue:position',
      'ack message:send',
      'ack session:resume',
      'ack conversation:rate',
      'conversation:typing',
      'message:seen',
      'ack typing:set',
      'ack message:seen',
      'http file upload',
    ]) {
      expect(kinds, `the probe saw no ${kind}`).toContain(kind);
    }
    for (const [kind, payload] of received) expectAllowed(kind, payload);
    const everything = JSON.stringify(received);
    expect(everything).not.toContain(MARKER);
    expect(everything).not.toContain(stored.visitorIp!);
    for (const agent of [started.serviceAgent, started.supportAgent, started.bothAgent]) expect(everything).not.toContain(agent.view.id);
  });
});
