/** The pre-chat form's rules (README "Pre-chat"): when it shows, and the identity its answers make. */
import type { SiteInfo, VisitorConversationView } from '../../shared/protocol';
import type { VisitorIdentifyPayload } from '../../shared/schemas';

/** Shown before a first message on a site that asks, to a visitor the page has not identified, with no conversation open. */
export function showsPrechat(state: { site: SiteInfo | null; conversation: VisitorConversationView | null; pending: readonly unknown[] }, identified: boolean): boolean {
  const mode = state.site?.prechat?.mode ?? 'off';
  return mode !== 'off' && !identified && state.pending.length === 0 && (!state.conversation || state.conversation.status === 'resolved');
}

/**
 * The unverified identity the answers make: the email (lower-cased) as userId, or a random id with
 * only a name; null when neither was given.
 */
export function prechatIdentity(answers: { name?: string; email?: string }, randomId: () => string): VisitorIdentifyPayload | null {
  const name = answers.name?.trim().slice(0, 100) || undefined;
  const email = answers.email?.trim() || undefined;
  if (!name && !email) return null;
  return { userId: email ? email.toLowerCase().slice(0, 128) : randomId(), ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

/** The answers are enough to submit: on `required` every field asked, else whatever is given must be well formed. */
export function prechatComplete(mode: 'optional' | 'required', fields: readonly ('name' | 'email')[], answers: { name: string; email: string }): boolean {
  const emailOk = /^[^\s@]+@[^\s@]+$/.test(answers.email.trim());
  if (fields.includes('email') && answers.email.trim() && !emailOk) return false;
  if (mode === 'optional') return true;
  return fields.every((field) => (field === 'email' ? emailOk : answers.name.trim() !== ''));
}
