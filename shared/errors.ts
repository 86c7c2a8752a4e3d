/**
 * The catalogue of every error the server reports to a client, with its HTTP status and the
 * default message. `docs/protocol.md` lists the same codes; a test keeps the two in step.
 */
export const ERRORS = {
  PAYLOAD_INVALID: { status: 400, message: 'The payload does not match the schema of this event or route.' },
  MESSAGE_TOO_LONG: { status: 413, message: 'The message is longer than the limit.' },
  MESSAGE_EMPTY: { status: 400, message: 'The message has no text.' },
  SITE_NOT_FOUND: { status: 404, message: 'No site has this key.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: "This page's origin is not on the site's list of allowed origins." },
  VISITOR_TOKEN_INVALID: { status: 401, message: 'The visitor token is forged, expired or for another site.' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'No such conversation on this site.' },
  CONVERSATION_NOT_WAITING: { status: 409, message: 'The conversation is no longer waiting: another agent took it or it has ended.' },
  CONVERSATION_NOT_ACTIVE: { status: 409, message: 'The conversation is not open for messages.' },
  CONVERSATION_NOT_ASSIGNED_TO_YOU: { status: 403, message: 'The conversation is assigned to another agent.' },
  CONVERSATION_ALREADY_OPEN: { status: 409, message: 'The visitor already has an open conversation.' },
  CONVERSATION_CHANGED: { status: 409, message: 'The conversation changed meanwhile; load it again.' },
  TRANSFER_SAME_QUEUE: { status: 409, message: 'The conversation is already in that queue.' },
  ROUTING_RULE_NOT_FOUND: { status: 404, message: 'No routing rule has this id on this site.' },
  ROUTING_NOT_LEARNABLE: { status: 409, message: 'A site rule placed this conversation: the router has nothing to learn from it.' },
  ROUTING_NOTHING_TO_ROLL_BACK: { status: 409, message: "The site's router uses no adapted version: there is nothing to roll back." },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this.' },
  AGENT_OFFLINE: { status: 409, message: 'The agent is offline: set your status to online first.' },
  AGENT_AT_CAPACITY: { status: 409, message: 'The agent already holds as many conversations as their capacity allows.' },
  AGENT_NOT_FOUND: { status: 404, message: 'No agent has this id on this site.' },
  SKILL_REQUIRED: { status: 403, message: "The conversation's queue needs a skill this agent does not have." },
  AGENT_IS_HOLDER: { status: 409, message: 'The conversation is already with this agent: choose someone else.' },
  AUTH_REQUIRED: { status: 401, message: 'Log in first.' },
  CREDENTIALS_INVALID: { status: 401, message: 'The email or password is wrong.' },
  AGENT_EMAIL_TAKEN: { status: 409, message: 'An agent with this email already exists.' },
  NOT_FOUND: { status: 404, message: 'Nothing is here.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again after details.retryAfterMs milliseconds.' },
  TOO_MANY_CONNECTIONS: { status: 429, message: 'Too many open connections from this address; close some before opening more.' },
  CONVERSATION_NOT_RESOLVED: { status: 409, message: 'Only a resolved conversation can be rated or reopened.' },
  // The store's answer to a reopen past the window; the visitor never sees it: their reply starts a new conversation.
  CONVERSATION_REOPEN_EXPIRED: { status: 409, message: "The conversation ended longer ago than the site's reopen window." },
  PRECHAT_REQUIRED: { status: 409, message: 'This site asks who you are before the first message: give a name or email first.' },
  CATEGORY_UNKNOWN: { status: 400, message: "The category is not on the site's list for this conversation's queue." },
  RATING_ALREADY_GIVEN: { status: 409, message: 'This conversation has already been rated.' },
  METRICS_RANGE_INVALID: { status: 400, message: 'The range must have `from` before `to`, both valid times.' },
  METRICS_RANGE_TOO_LONG: { status: 400, message: 'The range is longer than one year.' },
  METRICS_GROUP_UNKNOWN: { status: 400, message: 'groupBy must be hour, day, queue, agent or category.' },
  EMAIL_DISABLED: { status: 503, message: 'Email is off on this server (no SMTP_URL is configured).' },
  API_TOKEN_INVALID: { status: 401, message: 'The API token is missing, wrong or for another site.' },
  VISITOR_NOT_FOUND: { status: 404, message: 'Nothing of this visitor is kept on this site: unknown, of another site, or already erased.' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'No webhook endpoint has this id on this site.' },
  WEBHOOK_LIMIT: { status: 409, message: 'The site already has as many webhook endpoints as allowed; remove one first.' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'No message of this conversation has this id.' },
  ROUTING_RULE_TOO_BROAD: { status: 400, message: 'The rule would match most messages: give a phrase that only the questions for this queue contain.' },
  LAST_ADMIN: { status: 409, message: "This would leave the site without an enabled admin: make another agent admin first." },
  PASSWORD_WRONG: { status: 403, message: 'The current password is wrong.' },
  RESET_TOKEN_INVALID: { status: 400, message: 'This reset link is unknown, used already or expired: ask for a new one.' },
  API_TOKEN_NOT_FOUND: { status: 404, message: 'No API token has this id on this site.' },
  SITE_LIMIT: { status: 409, message: 'You already administer as many sites as allowed.' },
  CANNED_REPLY_NOT_FOUND: { status: 404, message: 'No canned reply has this id on this site.' },
  CANNED_SHORTCUT_TAKEN: { status: 409, message: 'Another canned reply of this site has this shortcut.' },
  CANNED_REPLY_LIMIT: { status: 409, message: 'The site already has as many canned replies as allowed; remove one first.' },
  SEARCH_QUERY_EMPTY: { status: 400, message: 'The search has no word to look for (only punctuation or spaces).' },
  HISTORY_RANGE_INVALID: { status: 400, message: 'The range must have `from` before `to`, both valid times.' },
  HISTORY_CURSOR_INVALID: { status: 400, message: 'The cursor is not one this server gave: start again from the first page.' },
  FILE_TOO_LARGE: { status: 413, message: "The file is larger than the site's limit (details.maxBytes)." },
  FILE_EMPTY: { status: 400, message: 'The file has no bytes.' },
  FILE_TYPE_NOT_ALLOWED: { status: 415, message: 'Only images (PNG, JPEG, GIF, WebP), PDFs and UTF-8 text files (.txt, .log, .csv, .json) may be attached.' },
  FILE_TYPE_MISMATCH: { status: 415, message: "The file's content is not what its name says (details.claimed, details.detected)." },
  FILES_DISABLED: { status: 403, message: 'This site does not take attachments (maxFileBytes is 0).' },
  FILE_LINK_INVALID: { status: 403, message: 'The file link is forged, altered or for another file.' },
  FILE_LINK_EXPIRED: { status: 403, message: 'The file link has expired; ask for a new one.' },
  FILE_NOT_FOUND: { status: 404, message: 'No such file in this conversation.' },
  UNAVAILABLE: { status: 503, message: 'The server cannot reach its data store right now; send the same request again in a moment.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server; it has been logged.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** What a client receives for any failure: a stable code, a human message, and optional details. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
    this.details = details;
  }
}

/** The only way to make a SwitchboardError, so every error carries a catalogued code. */
export function createError(code: ErrorCode, details?: Record<string, unknown>, message?: string): SwitchboardError {
  return new SwitchboardError(code, message ?? ERRORS[code].message, details);
}

export function isSwitchboardError(error: unknown): error is SwitchboardError {
  return error instanceof SwitchboardError;
}

/**
 * Turns any thrown value into what a client may see: catalogued errors pass through, anything
 * else becomes INTERNAL so no stack or driver message leaks (Socket.IO's sanitizeErrorMessage).
 */
export function toWireError(error: unknown): WireError {
  if (isSwitchboardError(error)) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  return { code: 'INTERNAL', message: ERRORS.INTERNAL.message };
}
