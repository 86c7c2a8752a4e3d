/** The public key of a site, as pasted in `data-site`; also the site's id inside the store. */
export type SiteKey = string;
export type AgentId = string;
export type VisitorId = string;
export type ConversationId = string;
/** A stored message's id: the Redis stream id (`<ms>-<seq>`), ordered by time of storing. */
export type MessageId = string;
/** An id the sender makes before sending, so a resend of the same message is recognised. */
export type ClientMessageId = string;

/** A fresh client id for a message; works in browsers and in Node 20 alike. */
export function createClientId(): ClientMessageId {
  return globalThis.crypto.randomUUID();
}

/**
 * Orders two stream ids (`<ms>-<seq>`) numerically; string comparison would put `9-0` after `10-0`.
 * @returns negative when a comes first, 0 when equal, positive when b comes first
 */
export function compareMessageIds(a: MessageId, b: MessageId): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}
