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

/** A limit of `limit` hits per `windowMs`, counted in Redis across server processes. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/**
 * Abuse limits. Generous for people (a fast typist sends about one message a second; a visitor
 * starts a conversation or two a day), tight for scripts. Exceeding one answers RATE_LIMITED with
 * `details.retryAfterMs`.
 */
export const RATE_LIMITS = {
  /** REST requests from one IP address to any route without a tighter limit. */
  restRequestsPerIp: { limit: 600, windowMs: 60_000 },
  /** Log-in requests from one IP address, right or wrong (wrong ones are also counted below). */
  logInRequestsPerIp: { limit: 30, windowMs: 60_000 },
  /** New socket connections from one IP address (page loads, reconnects). */
  connectionsPerIp: { limit: 120, windowMs: 60_000 },
  /** Messages from one visitor, all tabs together. */
  messagesPerVisitor: { limit: 30, windowMs: 10_000 },
  /** New conversations started by one visitor. */
  conversationsPerVisitor: { limit: 5, windowMs: 60_000 },
  /** New conversations started from one IP address (an office shares one). */
  conversationsPerIp: { limit: 20, windowMs: 60_000 },
  /**
   * New conversations on one site from everyone: a ceiling far above organic traffic, applied to
   * newcomers only (NEWCOMER_PERIOD_MS); visitors who came before pass. `SITE_CONVERSATIONS_PER_MINUTE` sets it.
   */
  conversationsPerSite: { limit: 10_000, windowMs: 60_000 },
  /** Failed log-ins to one account before it is locked for the rest of the window. */
  loginFailuresPerAccount: { limit: 10, windowMs: 15 * 60_000 },
  /** Failed log-ins from one IP address, whatever the accounts, before it is locked out. */
  loginFailuresPerIp: { limit: 50, windowMs: 15 * 60_000 },
  /** Transcripts one visitor may have emailed: enough for a few chats, too few to make the server a spam relay. */
  transcriptsPerVisitor: { limit: 5, windowMs: 60 * 60_000 },
  /** Attachments one visitor may send: screenshots and a log or two per chat, not a file host. */
  filesPerVisitor: { limit: 30, windowMs: 60 * 60_000 },
  /** Transcripts from one IP address, whatever the visitor (new visitors are free to make). */
  transcriptsPerIp: { limit: 20, windowMs: 60 * 60_000 },
  /** "Forgot password" emails asked for one email address, whether it has an account or not. */
  passwordResetsPerAccount: { limit: 3, windowMs: 60 * 60_000 },
  /** "Forgot password" requests from one IP address, whatever the addresses. */
  passwordResetsPerIp: { limit: 10, windowMs: 60 * 60_000 },
} as const satisfies Record<string, RateRule>;

/**
 * A visitor is a newcomer this long after their token is issued. Over the site ceiling, newcomers
 * wait; visitors whose token is older start conversations as usual. A minute: a flood must hold
 * each identity that long (and within the per-address limits) before it counts as a returning visitor.
 */
export const NEWCOMER_PERIOD_MS = 60_000;

/**
 * Open visitor sockets from one address on one server process (`MAX_CONNECTIONS_PER_ADDRESS`
 * sets it). Above any office or mobile-carrier NAT we expect; a script holding thousands of
 * sockets open from one address is refused at the handshake.
 */
export const MAX_OPEN_CONNECTIONS_PER_ADDRESS = 1_000;

/**
 * Events one socket may send: a token bucket refilled at `perSecond` up to `burst`, kept in the
 * process that holds the socket. Stops a single connection from flooding before Redis is asked.
 */
export const SOCKET_EVENT_RATE = { perSecond: 10, burst: 20 } as const;

/** Extra wait added to each failed log-in per earlier failure of that account, up to the cap. */
export const LOGIN_FAILURE_DELAY_MS = { step: 250, max: 3_000 } as const;

/** The most conversations one agent may be set to hold at once. */
export const MAX_AGENT_CAPACITY = 20;

/** How long a client waits for an ack before it retries the same event with the same client id. */
export const ACK_TIMEOUT_MS = 5_000;

/** Resolve categories a site may list per queue: a list an agent picks from at a glance. */
export const MAX_CATEGORIES = 30;
/** The longest reopen window a site may set (minutes): a week; past it, a reply is a new matter. */
export const MAX_REOPEN_WITHIN_MINUTES = 10_080;
/** The longest a site may keep resolved conversations (days): ten years, past any legal duty we know. */
export const MAX_RETENTION_DAYS = 3_650;
/** The longest a waiting conversation may outlive its visitor's last socket (seconds): a day. */
export const MAX_ABANDON_AFTER_SECONDS = 86_400;
/** The most a verified customer may be moved ahead in line (minutes): a day, beyond which the line means nothing. */
export const MAX_VERIFIED_PRIORITY_MINUTES = 1_440;

/**
 * Typing signals: a client sends "typing" at most this often while its person writes (and a stop
 * when the draft empties or is sent); the server relays at most one "typing" per side and
 * conversation this often, whatever a client sends.
 */
export const TYPING_SIGNAL_INTERVAL_MS = 2_000;
/** The other side shows "typing…" this long after the last signal: two missed signals and a margin. */
export const TYPING_SHOWN_FOR_MS = 5_000;

/**
 * Page context (`visitor:context`, `Switchboard.setContext`): what an agent reads at a glance. Twenty
 * short facts (plan, order number, cart value…) fit the console's Visitor box; a URL past 2,000
 * characters is one no browser shares reliably anyway. Separate numbers, so the loader carries only those it checks.
 */
export const MAX_CONTEXT_KEYS = 20;
export const MAX_CONTEXT_KEY_LENGTH = 40;
export const MAX_CONTEXT_VALUE_LENGTH = 200;
export const MAX_PAGE_URL_LENGTH = 2_000;
export const MAX_PAGE_TITLE_LENGTH = 300;

/** How long a "forgot password" link works, once. */
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;

/** The most sites one admin may create and administer besides their own. */
export const MAX_ADMINISTERED_SITES = 100;
/** Longest canned reply text (placeholders unexpanded): a reply, not a document. */
export const MAX_CANNED_REPLY_LENGTH = 2_000;
/** Most canned replies a site keeps: enough for any team, small enough to list in one read. */
export const MAX_CANNED_REPLIES = 200;
/** The pages before the current one an agent sees (most recent first): enough to read a visit's path, bounded per visitor. */
export const MAX_PREVIOUS_PAGES = 10;
/** A user agent past this is cut: real ones are under 300 characters, and the console only reads browser and system from it. */
export const MAX_USER_AGENT_LENGTH = 400;
/** Previous conversations shown beside a chat (visitor:history), each with its first messages. */
export const MAX_PREVIOUS_CONVERSATIONS = 10;
export const MAX_PREVIOUS_CONVERSATION_MESSAGES = 50;
/**
 * Attachments: the most a site may set as its per-file limit (`maxFileBytes`, 10 MB by default).
 * 50 MB covers a long log or a phone video's worth of screenshots; bigger belongs in a file share.
 */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Longest attachment file name kept, in UTF-16 code units (longer names are refused). */
export const MAX_FILE_NAME_LENGTH = 200;
