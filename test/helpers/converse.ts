import { randomUUID } from 'node:crypto';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from './acks';
import { connectAgent, connectVisitor } from './clients';
import { expect } from 'vitest';
import { createSqlArchive } from '../../server/store/archive/sql-archive';
import { createPgClient } from '../../server/store/archive/sql-client';
import { assertPostgresReachable, postgresArchive, TEST_DATABASE_URL } from './postgres';
import { assertRedisReachable, deletePrefix } from './redis';
import { startApp, type StartedApp } from './start-app';
import { eventually } from './wait-for';

/**
 * A whole chat over real sockets: the visitor's first message, Bo (both skills) takes it and
 * answers, the visitor's other messages, Bo resolves (with `category`). `beforeFirstMessage` runs
 * once both are connected (a test moving the app's clock). @returns the conversation id
 */
export async function converse(started: StartedApp, texts: string[], category?: string, beforeFirstMessage?: () => void) {
  const agent = await connectAgent(started.url, started.bothAgent);
  expectOk(await emitWithTimeout(agent, 2000, 'presence:set', { status: 'online' }));
  const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
  expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
  beforeFirstMessage?.();
  const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: texts[0]! }));
  expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
  expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Hello, Sam here. Let me look.' }));
  for (const text of texts.slice(1)) expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text }));
  expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id, ...(category ? { category } : {}) }));
  visitor.disconnect();
  agent.disconnect();
  return conversation.id;
}


export interface Restarted {
  /** The app started after the first one closed: same Redis prefix, same archive. */
  started: StartedApp;
  conversationId: string;
  /** When the conversation happened (ms): a day before the test. */
  at: number;
  /** Closes the app, drops the archive's schema and the Redis prefix. */
  close(): Promise<void>;
}

/**
 * "A conversation resolved yesterday, after a restart of every server process": an app whose clock
 * is set a day back holds `texts` as a whole chat, resolved under `category`, waits until the
 * archive has it, and closes; a new app starts on the same Redis prefix and PostgreSQL schema.
 */
export async function yesterdaysConversationAfterRestart(texts: string[], category?: string): Promise<Restarted> {
  await assertRedisReachable();
  await assertPostgresReachable();
  const own = await postgresArchive();
  await own.archive.close();
  const archiveOn = () => createSqlArchive({ client: createPgClient({ url: TEST_DATABASE_URL, schema: own.schema, max: 4 }) });
  const at = Date.now() - 86_400_000;
  // Real time to log in (a session made "yesterday" would have expired), yesterday to converse.
  let clock = Date.now();
  const first = await startApp({ env: { SWEEP_INTERVAL_SECONDS: '600' }, overrides: { now: () => clock, archive: await archiveOn() } });
  const conversationId = await converse(first, texts, category, () => {
    clock = at;
  });
  await eventually(async () => expect(await first.app.archive.get(first.siteKey, conversationId)).not.toBeNull(), 10_000);
  await first.app.close();
  const started = await startApp({ prefix: first.prefix, env: { SWEEP_INTERVAL_SECONDS: '600' }, overrides: { archive: await archiveOn() } });
  return {
    started,
    conversationId,
    at,
    async close() {
      await started.close();
      await own.cleanup();
      await deletePrefix(first.prefix);
    },
  };
}
