/**
 * The bare stack `npm run bench:load -- --compare` measures the product against (issue 17):
 * Fastify + Socket.IO + ioredis relaying messages with one XADD each, and none of the product's
 * code (no validation, limits, conversations, events, projections, KPIs or webhooks). It speaks
 * just enough of the product's wire protocol for bench-load-clients.ts to drive it unchanged:
 *
 *   visitor `message:send {clientId, text}` → XADD → ack `{ok, data: {conversation: {id}, message}}`;
 *     the first one also offers the conversation to an agent of the site (`conversation:assigned`),
 *     the next ones reach its agent as `message:new`;
 *   agent `message:send {conversationId, clientId, text}` → XADD → the visitor's `message:new`.
 *
 * Run by bench:load as its own process (`node --import tsx scripts/bench-bare.ts`); env PORT,
 * REDIS_URL, REDIS_PREFIX, and BARE_ADAPTER=true to broadcast through the Socket.IO Redis adapter
 * (several processes). Agents name themselves in the handshake (`auth: {siteKey, agentId}`).
 */
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const prefix = process.env.REDIS_PREFIX ?? 'sb:bare';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const app = Fastify({ logger: { level: 'info' } });
const io = new Server(app.server, { serveClient: false, cors: { origin: true } });
const pubSub: Redis[] = [];
if (process.env.BARE_ADAPTER === 'true') {
  pubSub.push(redis.duplicate(), redis.duplicate());
  io.adapter(createAdapter(pubSub[0]!, pubSub[1]!, { key: `${prefix}:socket.io` }));
}
const visitors = io.of('/visitor');
const agents = io.of('/agent');
const agentsKey = (siteKey: string) => `${prefix}:{${siteKey}}:agents`;
const streamKey = (siteKey: string, id: string) => `${prefix}:{${siteKey}}:conv:${id}`;

agents.on('connection', (socket) => {
  const { siteKey, agentId } = socket.handshake.auth as { siteKey: string; agentId: string };
  void socket.join(`agent:${agentId}`);
  void redis.sadd(agentsKey(siteKey), agentId);
  socket.on('message:send', async ({ conversationId, clientId, text }: { conversationId: string; clientId: string; text: string }, ack) => {
    const id = await redis.xadd(streamKey(siteKey, conversationId), '*', 'clientId', clientId, 'author', 'agent', 'text', text);
    const message = { id, conversationId, clientId, author: 'agent', text, createdAt: Date.now() };
    visitors.to(`c:${conversationId}`).emit('message:new', message);
    ack({ ok: true, data: { message, duplicate: false } });
  });
});

visitors.on('connection', (socket) => {
  const { siteKey } = socket.handshake.auth as { siteKey: string };
  let conversationId: string | undefined;
  socket.on('message:send', async ({ clientId, text }: { clientId: string; text: string }, ack) => {
    const first = conversationId === undefined;
    conversationId ??= randomUUID();
    const id = await redis.xadd(streamKey(siteKey, conversationId), '*', 'clientId', clientId, 'author', 'visitor', 'text', text);
    const message = { id, conversationId, clientId, author: 'visitor', text, createdAt: Date.now() };
    if (first) {
      void socket.join(`c:${conversationId}`);
      const agentId = await redis.srandmember(agentsKey(siteKey));
      agents.in(`agent:${agentId}`).socketsJoin(`c:${conversationId}`);
      agents.to(`agent:${agentId}`).emit('conversation:assigned', { conversation: { id: conversationId }, messages: [message] });
    } else {
      agents.to(`c:${conversationId}`).emit('message:new', message);
    }
    ack({ ok: true, data: { message, conversation: { id: conversationId }, duplicate: false } });
  });
});

await app.listen({ port, host: '127.0.0.1' });
const close = async () => {
  io.engine.close();
  await app.close();
  for (const r of [redis, ...pubSub]) r.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void close());
process.once('SIGINT', () => void close());
