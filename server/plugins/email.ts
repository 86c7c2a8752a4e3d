/**
 * Email (SMTP through nodemailer, configured by SMTP_URL and MAIL_FROM): answers to visitors who
 * are gone, transcripts on request. Sending is the `email` job (retried with backoff, once per
 * cluster); the answers' debounce is the `email-answer` job. Registered after realtime, which is
 * what knows whether a visitor is on the site. Without SMTP_URL only the transcript use case is
 * decorated, and it answers EMAIL_DISABLED.
 */
import fp from 'fastify-plugin';
import { createAnswerEmails, type AnswerBatch, type AnswerEmails, type IsVisitorConnectedHere, type IsVisitorOnline } from '../domain/answer-emails';
import type { OutboundEmail } from '../domain/outbound-email';
import { createTranscripts } from '../domain/transcripts';
import type { JobQueue } from '../jobs/jobs';
import { createMailer } from '../mail/mailer';
import { rooms } from '../realtime/rooms';

export interface EmailPluginOptions {
  /** Replies of one conversation within this window of the clock make one email. @default 60_000 */
  answerWindowMs?: number;
  /**
   * First retry of a refused or timed-out email after this, then doubling, for 8 attempts in all
   * (about an hour with the default). @default 30_000
   */
  retryDelayMs?: number;
}

/** Attempts of one email: 30 s, 1, 2, 4, 8, 16 and 32 minutes apart, about an hour of an SMTP server being away. */
export const EMAIL_ATTEMPTS = 8;

export default fp<EmailPluginOptions>(
  async (app, options) => {
    const mailer = createMailer({ smtpUrl: app.config.smtpUrl, from: app.config.mailFrom });
    let outbox: JobQueue<OutboundEmail> | null = null;

    if (mailer) {
      const { jobs } = app;

      const isVisitorConnectedHere: IsVisitorConnectedHere = (siteKey, visitorId) =>
        (app.visitors.adapter.rooms.get(rooms.visitor(siteKey, visitorId))?.size ?? 0) > 0;
      // This process's own sockets first: asking every other process is a round trip through the adapter.
      const isVisitorOnline: IsVisitorOnline = async (siteKey, visitorId) =>
        isVisitorConnectedHere(siteKey, visitorId) || (await app.visitors.in(rooms.visitor(siteKey, visitorId)).fetchSockets()).length > 0;

      outbox = jobs.define<OutboundEmail>('email', async ({ id, data, finalAttempt }) => {
        try {
          await mailer.send(data);
        } catch (error) {
          // The recipient's domain is enough to find it in the SMTP server's log; the words are not logged.
          if (finalAttempt) app.log.error({ err: error, job: id, toDomain: data.to.split('@').pop() }, 'email dropped after its last attempt');
          throw error;
        }
      }, {
        attempts: EMAIL_ATTEMPTS,
        backoff: { type: 'exponential', delayMs: options.retryDelayMs ?? 30_000 },
        concurrency: 4,
      });
      let answers: AnswerEmails | undefined;
      const batches = jobs.define<AnswerBatch>('email-answer', ({ data }) => answers!.collect(data), {
        attempts: 5,
        backoff: { type: 'exponential', delayMs: options.retryDelayMs ?? 30_000 },
      });
      answers = createAnswerEmails({
        store: app.store,
        outbox,
        batches,
        isVisitorOnline,
        isVisitorConnectedHere,
        now: app.kpiNow,
        ...(options.answerWindowMs !== undefined ? { windowMs: options.answerWindowMs } : {}),
      });

      const subscribed = answers;
      app.events.on('message.created', (event) => {
        // Not awaited: the agent's ack never waits on email, and a failure here is email's own
        // (logged), never the message's, which is stored already.
        subscribed.onMessageCreated(event).catch((error: unknown) => app.log.warn({ err: error, event: event.id }, 'answer email not queued'));
      });
      app.addHook('onClose', async () => mailer.close());
    }

    app.decorate('transcripts', createTranscripts({ store: app.store, limiter: app.limiter, outbox, archive: app.archive }));
    // Other features' emails (password resets) go through the same retried queue.
    app.decorate('emailOutbox', outbox);
  },
  { name: 'switchboard-email', dependencies: ['switchboard-domain', 'switchboard-jobs', 'switchboard-realtime'] },
);
