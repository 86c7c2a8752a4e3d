/** Longest message a visitor or agent may send, in UTF-16 code units (what `String.length` counts). */
export const MAX_MESSAGE_LENGTH = 4_000;

/**
 * Largest Socket.IO packet the server accepts. A 4,000-character message of 4-byte characters
 * plus its envelope fits with room to spare; anything bigger is refused before it is parsed.
 */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

/** How much of the visitor's first message an agent sees in the queue list. */
export const QUEUE_PREVIEW_LENGTH = 140;

/** Most messages returned by one history or resume call; a client asks again for the rest. */
export const MAX_MESSAGES_PER_PAGE = 200;

/** Most waiting conversations sent in one queue snapshot (the count is always exact). */
export const QUEUE_SNAPSHOT_LIMIT = 100;

/** How long a client waits for an ack before it retries the same event with the same client id. */
export const ACK_TIMEOUT_MS = 5_000;
