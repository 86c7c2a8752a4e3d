/**
 * The answer-by-email path end to end, with nothing stood in: the conversation service emits
 * `message.created` and `app.jobs` runs the email jobs. It passes once the core refactor (domain
 * events emitted by the use cases) and the jobs plugin are merged; email.test.ts covers the same
 * behaviour before that, emitting the event itself and with in-process jobs.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

describe('email end to end: domain events and the app’s own jobs', () => {
  let smtp: TestSmtpServer | undefined;
  let started: StartedApp | undefined;

  beforeAll(() => assertRedisReachable());
  afterEach(async () => {
    disconnectAll();
    await started?.close();
    await smtp?.close();
  });

  it('emails the agent’s answer to a visitor who left a message and closed the page', async () => {
    smtp = await startSmtpServer();
    started = await startApp({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Switchboard <chat@switchboard.test>' },
      overrides: { emailAnswerWindowMs: 1_000 },
    });
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const left = expectOk(
      await emitWithTimeout(visitor, 2000, 'message:leave', { clientId: randomUUID(), name: 'Lin', email: 'lin@example.com', text: 'Please refund order 77' }),
    );
    visitor.disconnect();
    await eventually(() => expect(started!.app.visitors.sockets.size).toBe(0));

    const agent = await connectAgent(started.url, started.bothAgent);
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: left.conversation.id }));
    expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId: left.conversation.id, clientId: randomUUID(), text: 'Refunded, Lin!' }));

    await eventually(() => expect(smtp!.received).toHaveLength(1), 15_000);
    expect(smtp.received[0]).toMatchObject({ to: ['lin@example.com'], subject: 'Re: Please refund order 77' });
    expect(smtp.received[0]!.text).toContain('    Refunded, Lin!');
  });
});
