/**
 * The visitors and agents of `npm run bench:load`, run in worker threads of their own (their
 * event loop and heap are not the server's, as browsers are elsewhere). Each worker holds whole
 * sites (their visitors and their agents), so a message's send and its arrival are stamped by one
 * clock (`performance.now()` of that thread).
 *
 * Visitors connect from their own loopback addresses (127.1.x.y, a few visitors each, bound with
 * `localAddress`), so the per-address limits count them as the many households they stand for.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { SESSION_COOKIE } from '../server/domain/agent-session';

export interface LoadSite {
  siteKey: string;
  agents: { id: string; token: string }[];
  visitors: number;
}

export interface LoadClientsOptions {
  /** The product, or the bare relay of bench-bare.ts (agents name themselves instead of a session cookie). */
  stack: 'product' | 'bare';
  /** Every server process; a site's visitors and agents are spread over them, so messages cross processes. */
  urls: string[];
  origin: string;
  sites: LoadSite[];
  /** Index of this worker's first visitor among all workers', for distinct source addresses. */
  firstVisitor: number;
  visitorsPerAddress: number;
  /** Connect (and resume, as the widget does) only: the idle-visitors measure. */
  idle: boolean;
}

export interface LoadRun {
  /** Messages per second from this worker's visitors, and from its agents. */
  visitorRate: number;
  agentRate: number;
  warmUpMs: number;
  durationMs: number;
}

export interface DirectionResult {
  /** Latencies (ms) of the messages sent after the warm-up. */
  latencies: Float64Array;
  sent: number;
  acked: number;
  delivered: number;
  /** Acked by the server and never delivered to the other side. */
  lost: number;
  duplicated: number;
}

export interface LoadResult {
  visitorToAgent: DirectionResult;
  agentToVisitor: DirectionResult;
  /** Refused events by error code; ACK_LATE: answered after 10 s (a widget would have resent); UNANSWERED: not within a minute of the end. */
  refusals: Record<string, number>;
}

type Message = { clientId: string; author: string; conversationId?: string };
type Ack = { ok: true; data: { conversation?: { id: string }; message: Message } } | { ok: false; error: { code: string } };

const ACK_WAIT_MS = 10_000;
/** Connections opened at once: a page-load wave, not a SYN flood of the loopback. */
const CONNECT_CONCURRENCY = 100;

/** The n-th loopback source address (127.1.0.1, 127.1.0.2 … 127.1.0.250, 127.1.1.1 …). */
export const sourceAddress = (n: number) => `127.1.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => reject(new Error(`${error.data?.code ?? ''} ${error.message}`)));
  });
}

async function inBatches<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let i = 0; i < count; i += CONNECT_CONCURRENCY) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - i) }, (_, j) => make(i + j)))));
  }
  return made;
}

function createDirection() {
  const pending = new Map<string, { at: number; measured: boolean }>();
  const delivered = new Set<string>();
  const acked = new Set<string>();
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let duplicated = 0;
  return {
    sending(clientId: string, measured: boolean) {
      sent++;
      pending.set(clientId, { at: performance.now(), measured });
    },
    acked(clientId: string) {
      acked.add(clientId);
    },
    /** An ack or a refusal (or no answer in time) came back. */
    answered() {
      answered++;
    },
    /** Sent and not answered yet. */
    unanswered() {
      return sent - answered;
    },
    arrived(clientId: string) {
      const at = performance.now();
      if (delivered.has(clientId)) {
        duplicated++;
        return;
      }
      const sending = pending.get(clientId);
      if (!sending) return;
      delivered.add(clientId);
      pending.delete(clientId);
      if (sending.measured) latencies.push(at - sending.at);
    },
    /** Acked and not yet delivered. */
    outstanding() {
      let n = 0;
      for (const id of acked) if (!delivered.has(id)) n++;
      return n;
    },
    result(): DirectionResult {
      return { latencies: Float64Array.from(latencies), sent, acked: acked.size, delivered: delivered.size, lost: this.outstanding(), duplicated };
    },
  };
}

export async function createLoadClients(options: LoadClientsOptions) {
  const refusals: Record<string, number> = {};
  const refused = (code: string) => (refusals[code] = (refusals[code] ?? 0) + 1);
  const v2a = createDirection();
  const a2v = createDirection();
  const url = (i: number) => options.urls[i % options.urls.length]!;

  // Agents first (the conversations are offered to them), each on the next process after its visitors'.
  const agents = new Map<string, Socket>();
  for (const site of options.sites) {
    await inBatches(site.agents.length, async (k) => {
      const agent = site.agents[k]!;
      const socket = io(`${url(k + 1)}/agent`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ...(options.stack === 'product' ? { extraHeaders: { cookie: `${SESSION_COOKIE}=${agent.token}` } } : { auth: { siteKey: site.siteKey, agentId: agent.id } }),
      });
      await connected(socket);
      agents.set(agent.id, socket);
    });
  }

  // Which agent's socket holds each conversation, from the offers.
  const holder = new Map<string, Socket>();
  const offered = new Map<string, () => void>();
  for (const socket of agents.values()) {
    socket.on('conversation:assigned', ({ conversation }: { conversation: { id: string } }) => {
      holder.set(conversation.id, socket);
      offered.get(conversation.id)?.();
    });
    socket.on('message:new', (message: Message) => {
      if (message.author === 'visitor') v2a.arrived(message.clientId);
    });
  }

  let next = options.firstVisitor;
  const visitors: { socket: Socket; conversationId?: string }[] = [];
  for (const site of options.sites) {
    const made = await inBatches(site.visitors, async (j) => {
      const address = sourceAddress(Math.floor(next++ / options.visitorsPerAddress));
      const socket = io(`${url(j)}/visitor`, {
        auth: { siteKey: site.siteKey },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { origin: options.origin },
        localAddress: address,
      } as Parameters<typeof io>[1]);
      await connected(socket);
      socket.on('message:new', (message: Message) => {
        if (message.author === 'agent') a2v.arrived(message.clientId);
      });
      // What the widget does on every connect.
      if (options.stack === 'product') await socket.timeout(ACK_WAIT_MS).emitWithAck('session:resume', {});
      return { socket };
    });
    visitors.push(...made);
  }
  if (options.idle) return { connections: agents.size + visitors.length, run: undefined, close };

  // Every visitor starts a conversation and waits for it to be offered (auto assignment).
  await inBatches(visitors.length, async (i) => {
    const visitor = visitors[i]!;
    // As a widget does: no ack in time, the same message again with the same client id.
    const first = { clientId: randomUUID(), text: 'Hello, my parcel never came', topic: 'service' };
    let ack: Ack | undefined;
    for (let tries = 1; !ack; tries++) {
      ack = (await visitor.socket.timeout(ACK_WAIT_MS).emitWithAck('message:send', first).catch((error: unknown) => {
        if (tries >= 6) throw error;
      })) as Ack | undefined;
    }
    if (!ack.ok) throw new Error(`first message refused: ${ack.error.code}`);
    const id = ack.data.conversation!.id;
    visitor.conversationId = id;
    if (holder.has(id)) return;
    await new Promise<void>((resolve, reject) => {
      const giveUp = setTimeout(() => reject(new Error(`conversation ${id} was never offered to an agent`)), 30_000);
      offered.set(id, () => {
        clearTimeout(giveUp);
        offered.delete(id);
        resolve();
      });
    });
  });
  const conversations = visitors.map((v) => v.conversationId!);

  // No client-side timeout: a late ack still counts (the server did the work), and one later than
  // ACK_WAIT_MS is also counted as ACK_LATE, where a widget would have resent it.
  const send = (socket: Socket, direction: ReturnType<typeof createDirection>, payload: { clientId: string; text: string; conversationId?: string }, measured: boolean) => {
    direction.sending(payload.clientId, measured);
    const sentAt = performance.now();
    socket.emit('message:send', payload, (ack: Ack) => {
      direction.answered();
      if (performance.now() - sentAt > ACK_WAIT_MS) refused('ACK_LATE');
      if (!ack.ok) refused(ack.error.code);
      else direction.acked(payload.clientId);
    });
  };

  async function run({ visitorRate, agentRate, warmUpMs, durationMs }: LoadRun): Promise<LoadResult> {
    let fromVisitors = 0;
    let fromAgents = 0;
    const start = performance.now();
    // Each tick sends what is due by now, visitors and conversations taking turns, so every
    // socket sends at the same steady pace (well inside the per-visitor and per-socket budgets).
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = performance.now() - start;
        const measured = elapsed >= warmUpMs;
        const seconds = Math.min(elapsed, warmUpMs + durationMs) / 1000;
        for (; fromVisitors < Math.floor(seconds * visitorRate); fromVisitors++) {
          const socket = visitors[fromVisitors % visitors.length]!.socket;
          send(socket, v2a, { clientId: randomUUID(), text: `Message ${fromVisitors} about my order` }, measured);
        }
        for (; fromAgents < Math.floor(seconds * agentRate); fromAgents++) {
          const conversationId = conversations[fromAgents % conversations.length]!;
          const clientId = randomUUID();
          send(holder.get(conversationId)!, a2v, { conversationId, clientId, text: `Reply ${fromAgents}: it is on its way` }, measured);
        }
        if (elapsed >= warmUpMs + durationMs) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    // Every message is answered (or times out); then what was acked has a few seconds to arrive,
    // and what never does is lost.
    // (a backlog gets a minute at most; what is still unanswered then is counted as UNANSWERED).
    const answerUntil = performance.now() + 60_000;
    while ((v2a.unanswered() > 0 || a2v.unanswered() > 0) && performance.now() < answerUntil) await new Promise((r) => setTimeout(r, 50));
    if (v2a.unanswered() + a2v.unanswered() > 0) refusals.UNANSWERED = v2a.unanswered() + a2v.unanswered();
    const drainUntil = performance.now() + 5_000;
    while ((v2a.outstanding() > 0 || a2v.outstanding() > 0) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    return { visitorToAgent: v2a.result(), agentToVisitor: a2v.result(), refusals };
  }

  function close() {
    for (const socket of [...agents.values(), ...visitors.map((v) => v.socket)]) socket.disconnect();
  }

  return { connections: agents.size + visitors.length, run, close };
}

// As a worker thread: connect, say so, run what the bench posts, close when told.
if (!isMainThread && parentPort) {
  const port = parentPort;
  try {
    const clients = await createLoadClients(workerData as LoadClientsOptions);
    port.postMessage({ ready: clients.connections });
    port.on('message', (message: { run?: LoadRun; close?: true }) => {
      if (message.close) {
        clients.close();
        port.close();
        return;
      }
      clients.run!(message.run!).then(
        (result) => port.postMessage({ result }),
        (error: unknown) => port.postMessage({ error: String(error) }),
      );
    });
  } catch (error) {
    port.postMessage({ error: String(error instanceof Error ? error.stack : error) });
  }
}
