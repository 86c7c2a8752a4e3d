/**
 * The cookie an agent's session token travels in. REST (log-in sets it, the auth hook reads it) and
 * the agent socket's handshake both read it, so it lives below both transports.
 */
export const SESSION_COOKIE = 'sb_session';
