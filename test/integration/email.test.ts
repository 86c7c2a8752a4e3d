import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimits } from '../../server/domain/rate-limiter';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { MessageSent } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient, type VisitorClient } from '../helpers/clients';
import { createInProcessJobs, type InProcessJobs } from '../helpers/in-process-jobs';
import { assertRedisReachable } from '../helpers/redis';
import { addSecondSite } from '../helpers/second-site';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';

const MAIL_FROM = 'Switchboard <chat@switchboard.test>';
// A frozen app clock in the middle of a minute: every reply of a test falls in the same answer window.
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;

describe('email: answers to visitors who are gone, transcripts on request', () => {
  let smtp: TestSmtpServer | undefined;
  let jobs: InProcessJobs | undefined;
  let started: StartedApp | undefined;

  beforeAll(() => assertRedisReachable());
  afterEach(async () => {
    disconnectAll();
    await jobs?.close();
    await started?.close();
    await smtp?.close();
    smtp = jobs = started = undefined;
  });

  /** The app with email on (a real SMTP server in-process), or off with `email: false`. */
  async function start(options: { email?: boolean; refuseFirst?: number; rateLimits?: Partial<RateLimits> } = {}) {
    smtp = await startSmtpServer({ refuseFirst: options.refuseFirst ?? 0 });
    jobs = createInProcessJobs({ holdDelayed: true });
    started = await startApp({
      env: options.email === false ? {} : { SMTP_URL: smtp.url, MAIL_FROM },
      overrides: { jobs, now: () => NOW, emailRetryDelayMs: 20, ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}) },
    });
    return { app: started, smtp, jobs };
  }

  /** A visitor leaves a message with their email; returns their socket, token and conversation. */
  async function leaveMessage(s: StartedApp, text = 'Please refund order 77') {
    const visitor = await connectVisitor(s.url, { siteKey: s.siteKey });
    const { token } = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const left = expectOk(
      await emitWithTimeout(visitor, 2000, 'message:leave', { clientId: randomUUID(), name: 'Lin', email: 'lin@example.com', text }),
    );
    return { visitor, token, conversation: left.conversation };
  }

  /**
   * The agent's reply, and the domain event the conversation service will emit for it once the core
   * refactor lands (then emitted twice: the batch's job id makes that one batch all the same).
   */
  async function reply(s: StartedApp, agent: AgentClient, conversationId: string, text: string): Promise<MessageSent> {
    const sent = expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId, clientId: randomUUID(), text }));
    await s.app.events.emit('message.created', s.siteKey, { conversation: sent.conversation, message: sent.message });
    return sent;
  }

  async function takeAsBo(s: StartedApp, conversationId: string): Promise<AgentClient> {
    // Bo has both skills: whatever queue the router picks for a test's words.
    const agent = await connectAgent(s.url, s.bothAgent);
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId }));
    return agent;
  }

  const batchesOf = (j: InProcessJobs) => j.added.filter((a) => a.queue === 'email-answer');
  const emailsOf = (j: InProcessJobs) => j.added.filter((a) => a.queue === 'email');

  it('emails the answers to a visitor who left a message and is gone: several replies in a minute make one email', async () => {
    const { app, smtp, jobs } = await start();
    const { visitor, conversation } = await leaveMessage(app);
    visitor.disconnect();
    const agent = await takeAsBo(app, conversation.id);
    await reply(app, agent, conversation.id, 'Refunded, Lin!');
    await reply(app, agent, conversation.id, 'It shows on your card within 3 days.');

    expect(batchesOf(jobs)).toHaveLength(1);
    jobs.runDelayed();
    await eventually(() => expect(smtp.received).toHaveLength(1));
    const [email] = smtp.received;
    expect(email!.to).toEqual(['lin@example.com']);
    expect(email!.from).toBe('chat@switchboard.test');
    expect(email!.fromHeader).toMatch(/Test shop.*<chat@switchboard\.test>/);
    expect(email!.subject).toBe('Re: Please refund order 77');
    expect(email!.text).toContain('Hello Lin,');
    expect(email!.text).toContain('bo from Test shop answered your message');
    expect(email!.text).toMatch(/bo, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC:\n {4}Refunded, Lin!/);
    expect(email!.text).toContain('    It shows on your card within 3 days.');
    expect(email!.text).toContain('You can reply in the chat on the Test shop website');
    expect(email!.html).toContain('Refunded, Lin!');
  });

  it('sends no answer while the visitor is on the site, nor when they came back before the email went', async () => {
    const { app, smtp, jobs } = await start();
    const { visitor, token, conversation } = await leaveMessage(app);
    const agent = await takeAsBo(app, conversation.id);

    await reply(app, agent, conversation.id, 'Looking into it now.');
    expect(batchesOf(jobs)).toEqual([]);

    visitor.disconnect();
    await eventually(() => expect(app.app.visitors.sockets.size).toBe(0));
    await reply(app, agent, conversation.id, 'Refunded, Lin!');
    expect(batchesOf(jobs)).toHaveLength(1);

    await connectVisitor(app.url, { siteKey: app.siteKey, token });
    jobs.runDelayed();
    await eventually(() => expect(jobs.attempts.filter((a) => a.queue === 'email-answer')).toEqual([expect.objectContaining({ outcome: 'done' })]));
    expect(emailsOf(jobs)).toEqual([]);
    expect(smtp.received).toEqual([]);
  });

  it("delivers the visitor's and the agent's words as text, never as HTML", async () => {
    const { app, smtp, jobs } = await start();
    const { visitor, conversation } = await leaveMessage(app, '<script>alert("x")</script> & <b>why</b>');
    const agent = await takeAsBo(app, conversation.id);
    await reply(app, agent, conversation.id, 'Use <img src=x onerror=alert(1)> & see');
    expectOk(await emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: conversation.id }));
    visitor.disconnect();
    await eventually(() => expect(app.app.visitors.sockets.size).toBe(0));
    await reply(app, agent, conversation.id, '<a href="https://evil.example">click</a>');
    jobs.runDelayed();

    await eventually(() => expect(smtp.received).toHaveLength(2));
    for (const email of smtp.received) {
      expect(email.text).toContain('<script>alert("x")</script> & <b>why</b>');
      expect(email.html).not.toMatch(/<script|<b>|<img|<a /);
      expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;why&lt;/b&gt;');
    }
    expect(smtp.received.map((e) => e.subject)).toContain('Re: <script>alert("x")</script> & <b>why</b>');
  });

  it('emails a transcript with every message, names and UTC times, to the email given or the one given before', async () => {
    const { app, smtp } = await start();
    const { visitor, conversation } = await leaveMessage(app);
    const agent = await takeAsBo(app, conversation.id);
    await reply(app, agent, conversation.id, 'Refunded, Lin!');
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'Thank you so much' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id }));

    expect(expectOk(await emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: conversation.id }))).toEqual({ queued: true });
    expectOk(await emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: conversation.id, email: 'lin.work@example.org' }));

    await eventually(() => expect(smtp.received).toHaveLength(2));
    expect(smtp.received.map((e) => e.to[0]).sort()).toEqual(['lin.work@example.org', 'lin@example.com']);
    for (const email of smtp.received) {
      expect(email.subject).toMatch(/^Your conversation with Test shop \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)$/);
      const lines = email.text.split('\n');
      // The widget's download text (shared/transcript-text.ts) in UTC: `[dd/mm/yyyy, hh:mm] Name: text`.
      const at = (text: string) => lines.findIndex((line) => line.endsWith(`: ${text}`));
      expect(at('Please refund order 77')).toBeGreaterThan(0);
      expect(at('Refunded, Lin!')).toBeGreaterThan(at('Please refund order 77'));
      expect(at('Thank you so much')).toBeGreaterThan(at('Refunded, Lin!'));
      expect(lines[at('Please refund order 77')]).toMatch(/^\[\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}\] Lin: /);
      expect(lines[at('Refunded, Lin!')]).toMatch(/^\[.*\] bo \(Agent\): /);
      expect(email.text).toContain('(times in UTC)');
    }
  });

  it('emails a transcript to the email of the visitor’s identity', async () => {
    const { app, smtp } = await start();
    const visitor = await connectVisitor(app.url, { siteKey: app.siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', { userId: 'u-1', name: 'Kim', email: 'kim@example.net' }));
    const sent = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'my invoice is wrong' }));
    expectOk(await emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: sent.conversation.id }));
    await eventually(() => expect(smtp.received).toHaveLength(1));
    expect(smtp.received[0]).toMatchObject({ to: ['kim@example.net'] });
    expect(smtp.received[0]!.text).toContain('] Kim: my invoice is wrong');
  });

  it('retries an email the SMTP server refuses for now (451) and delivers it once, under the same job', async () => {
    const { app, smtp, jobs } = await start({ refuseFirst: 1 });
    const { visitor, conversation } = await leaveMessage(app);
    expectOk(await emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: conversation.id }));

    await eventually(() => expect(jobs.attempts.filter((a) => a.queue === 'email' && a.outcome === 'done')).toHaveLength(1));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.attempts).toBe(2);
    const attempts = jobs.attempts.filter((a) => a.queue === 'email');
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'done'],
    ]);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
  });

  it("refuses bad payloads, another visitor's or another site's conversation and a request without any email, sending nothing", async () => {
    const { app, smtp, jobs } = await start();
    const mine = await connectVisitor(app.url, { siteKey: app.siteKey });
    const own = expectOk(await emitWithTimeout(mine, 2000, 'message:send', { clientId: randomUUID(), text: 'my parcel is late' }));
    const { conversation: theirs } = await leaveMessage(app);
    const rival = await addSecondSite(app);
    const rivalVisitor = await connectVisitor(app.url, { siteKey: rival.siteKey }, { origin: rival.origin });
    const rivals = expectOk(await emitWithTimeout(rivalVisitor, 2000, 'message:send', { clientId: randomUUID(), text: 'rival parcel' }));

    const ask = (payload: unknown) => emitWithTimeout(mine, 2000, 'conversation:transcript', payload as { conversationId: string });
    for (const payload of [
      {},
      { conversationId: own.conversation.id, email: 'not an email' },
      { conversationId: own.conversation.id, email: 'a@b', extra: true },
      { conversationId: '../../etc', email: 'a@example.com' },
      { conversationId: own.conversation.id, email: `${'x'.repeat(250)}@example.com` },
    ]) {
      expectRefused(await ask(payload), 'PAYLOAD_INVALID');
    }
    // No email given, none given before.
    expectRefused(await ask({ conversationId: own.conversation.id }), 'PAYLOAD_INVALID');
    expectRefused(await ask({ conversationId: theirs.id, email: 'me@example.com' }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await ask({ conversationId: theirs.id }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await ask({ conversationId: 'c_nope', email: 'me@example.com' }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await ask({ conversationId: rivals.conversation.id, email: 'me@example.com' }), 'CONVERSATION_NOT_FOUND');

    expect(emailsOf(jobs)).toEqual([]);
    expect(smtp.received).toEqual([]);
  });

  it('limits transcripts per visitor', async () => {
    const { app } = await start({ rateLimits: { transcriptsPerVisitor: { limit: 2, windowMs: 3_600_000 } } });
    const { visitor, conversation } = await leaveMessage(app);
    const ask = () => emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: conversation.id });
    expectOk(await ask());
    expectOk(await ask());
    expectRefused(await ask(), 'RATE_LIMITED');
  });

  it('answers EMAIL_DISABLED without SMTP_URL, and tells the console email is off', async () => {
    const { app, jobs } = await start({ email: false });
    const { visitor, conversation } = await leaveMessage(app);
    expectRefused(await emitWithTimeout(visitor, 2000, 'conversation:transcript', { conversationId: conversation.id }), 'EMAIL_DISABLED');
    const agent = await takeAsBo(app, conversation.id);
    expect(expectOk(await emitWithTimeout(agent, 2000, 'workspace:load', {})).email).toEqual({ enabled: false });
    expect(jobs.added).toEqual([]);
  });

  it('tells the console email is on with SMTP_URL', async () => {
    const { app } = await start();
    const agent = await connectAgent(app.url, app.serviceAgent);
    expect(expectOk(await emitWithTimeout(agent, 2000, 'workspace:load', {})).email).toEqual({ enabled: true });
  });
});
