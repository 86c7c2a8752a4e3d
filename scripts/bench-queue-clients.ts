/**
 * The visitors and agents of `npm run bench:queue` part (b), and their timing of first message →
 * offer. Run in a worker thread (the default) they have their own event loop and heap, as
 * browsers are elsewhere, so the server's latency is not the clients' work; run inline (the
 * bench's `--clients inline`) they share the server's thread, which adds their work to it.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { SESSION_COOKIE } from '../server/domain/agent-session';
import { emitWithTimeout } from '../shared/emit-with-timeout';
import type { AgentClientEvents, AgentServerEvents, QueueEntry, TakenConversation, VisitorClientEvents, VisitorServerEvents } from '../shared/protocol';

type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
export type Mode = 'auto' | 'manual';

export interface ClientsOptions {
  url: string;
  siteKey: string;
  origin: string;
  /** Session tokens of the agents, the service ones (who take and resolve) first. */
  agents: { token: string; service: boolean }[];
  /** Visitors taking turns, so no one socket comes near the per-socket event budget. */
  visitors: number;
}

export interface RoundTimes {
  p50s: number[];
  p99s: number[];
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function connected<S extends Socket>(socket: S): Promise<S> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export async function createClients(options: ClientsOptions) {
  const agents: AgentSocket[] = [];
  for (const { token } of options.agents) {
    agents.push(
      await connected<AgentSocket>(
        io(`${options.url}/agent`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` } }),
      ),
    );
  }
  const takers = agents.filter((_, i) => options.agents[i]!.service);
  const visitors: VisitorSocket[] = [];
  for (let i = 0; i < options.visitors; i++) {
    visitors.push(
      await connected<VisitorSocket>(
        io(`${options.url}/visitor`, { auth: { siteKey: options.siteKey }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: options.origin } }),
      ),
    );
  }

  // When each conversation reached an agent (auto: conversation:assigned; manual: queue:entered),
  // stamped as the event arrives, and handed to whoever waits for it (no polling: it would keep a core busy).
  let mode: Mode = 'auto';
  const offeredAt = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const holder = new Map<string, AgentSocket>();
  const offered = (id: string) => {
    if (offeredAt.has(id)) return;
    const at = performance.now();
    offeredAt.set(id, at);
    waiting.get(id)?.(at);
  };
  for (const socket of agents) {
    socket.on('conversation:assigned', ({ conversation }: TakenConversation) => {
      holder.set(conversation.id, socket);
      if (mode === 'auto') offered(conversation.id);
    });
  }
  takers[0]!.on('queue:entered', (entry: QueueEntry) => {
    if (mode === 'manual') offered(entry.conversationId);
  });
  const waitOffered = (id: string) =>
    new Promise<number>((resolve, reject) => {
      const at = offeredAt.get(id);
      if (at !== undefined) return resolve(at);
      const giveUp = setTimeout(() => reject(new Error(`conversation ${id} was never offered`)), 5_000);
      waiting.set(id, (when) => {
        clearTimeout(giveUp);
        waiting.delete(id);
        resolve(when);
      });
    });

  let turn = 0;
  const sample = async () => {
    const visitor = visitors[turn % visitors.length]!;
    const taker = takers[turn % takers.length]!;
    turn++;
    const start = performance.now();
    const ack = await emitWithTimeout(visitor, 5_000, 'message:send', { clientId: randomUUID(), text: 'Hello, my parcel never came', topic: 'service' });
    if (!ack.ok) throw new Error(`message:send refused: ${ack.error.code}`);
    const id = ack.data.conversation.id;
    const latency = (await waitOffered(id)) - start;
    // Close it again so the visitor can start another and the agents keep their places.
    if (mode === 'manual') {
      const taken = await emitWithTimeout(taker, 5_000, 'conversation:take', { conversationId: id });
      if (!taken.ok) throw new Error(`take refused: ${taken.error.code}`);
    }
    const agent = mode === 'manual' ? taker : holder.get(id)!;
    const resolved = await emitWithTimeout(agent, 5_000, 'conversation:resolve', { conversationId: id });
    if (!resolved.ok) throw new Error(`resolve refused: ${resolved.error.code}`);
    offeredAt.delete(id);
    holder.delete(id);
    return latency;
  };

  return {
    /** Warm-up samples, then `rounds` rounds of `samples`, one message at a time: each round's p50 and p99 (ms). */
    async run(scenario: { mode: Mode; warmUp: number; rounds: number; samples: number }): Promise<RoundTimes> {
      mode = scenario.mode;
      for (let i = 0; i < scenario.warmUp; i++) await sample();
      const times: RoundTimes = { p50s: [], p99s: [] };
      for (let round = 0; round < scenario.rounds; round++) {
        const taken: number[] = [];
        for (let i = 0; i < scenario.samples; i++) taken.push(await sample());
        taken.sort((a, b) => a - b);
        times.p50s.push(percentile(taken, 0.5));
        times.p99s.push(percentile(taken, 0.99));
      }
      return times;
    },
    close() {
      for (const socket of [...agents, ...visitors]) socket.disconnect();
    },
  };
}

// As a worker thread: connect, then answer each scenario the bench posts with its times.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const clients = await createClients(workerData as ClientsOptions);
  port.postMessage({ ready: true });
  port.on('message', (message: { run?: Parameters<typeof clients.run>[0]; close?: true }) => {
    if (message.close) {
      clients.close();
      port.close();
      return;
    }
    clients.run(message.run!).then(
      (times) => port.postMessage({ times }),
      (error: unknown) => port.postMessage({ error: String(error) }),
    );
  });
}
