/** What the visitor reads for a refusal: the catalogue's words for its code, never the server's English message. */
import type { ErrorCode } from '../../../shared/errors';
import type { MessageKey } from './en';

const BY_CODE: Partial<Record<ErrorCode, MessageKey>> = {
  MESSAGE_TOO_LONG: 'errorMessageTooLong',
  MESSAGE_EMPTY: 'errorMessageEmpty',
  PAYLOAD_INVALID: 'errorOther',
  RATE_LIMITED: 'errorRateLimited',
  ORIGIN_NOT_ALLOWED: 'errorOriginNotAllowed',
  CONVERSATION_NOT_ACTIVE: 'errorConversationClosed',
  CONVERSATION_NOT_RESOLVED: 'errorConversationClosed',
  CONVERSATION_REOPEN_EXPIRED: 'errorConversationClosed',
  FILE_TOO_LARGE: 'errorFileTooLarge',
  FILE_TYPE_NOT_ALLOWED: 'errorFileType',
  FILE_TYPE_MISMATCH: 'errorFileType',
  FILE_EMPTY: 'errorFileType',
};

export const errorKey = (code: ErrorCode): MessageKey => BY_CODE[code] ?? 'errorOther';
