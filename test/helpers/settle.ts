import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { eventually } from './wait-for';

/**
 * Waits until the server has seen every client connection close and has had time to finish what
 * it does on a close (presence, "visitor gone" marks), so that closing the app right after does not
 * cut those store writes off (ioredis then reports an unhandled EPIPE).
 */
export async function settleDisconnects(app: FastifyInstance): Promise<void> {
  await eventually(() => expect(app.visitors.sockets.size + app.agents.sockets.size).toBe(0));
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await app.store.ping();
  }
}
