/**
 * Email out through SMTP (nodemailer). The one module that knows nodemailer: the domain composes
 * an `OutboundEmail`, a job hands it here.
 */
import nodemailer from 'nodemailer';
import type { OutboundEmail } from '../domain/outbound-email';

export interface MailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). */
  smtpUrl: string | undefined;
  /** The sender of every email, `Name <address>` or an address. */
  from: string | undefined;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the email; rejects on any refusal or timeout (a job retries it). */
  send(email: OutboundEmail): Promise<void>;
  close(): void;
}

/** @returns null when email is off (no SMTP_URL) */
export function createMailer({ smtpUrl, from }: MailerOptions): Mailer | null {
  if (!smtpUrl || !from) return null;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // A stuck server fails the attempt in seconds, so the job's retry runs instead of hanging a worker.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  // MAIL_FROM's address with the site's name in front: the visitor sees who answered, and the
  // server's own address keeps SPF/DKIM checks passing.
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  return {
    async send({ to, fromName, subject, text, html }) {
      await transport.sendMail({
        from: fromName ? { name: fromName, address } : from,
        to,
        subject,
        text,
        ...(html !== undefined ? { html } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
