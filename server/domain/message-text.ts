import { createError } from '../../shared/errors';
import { MAX_MESSAGE_LENGTH, QUEUE_PREVIEW_LENGTH } from '../../shared/limits';

/**
 * The text to store for a message: as typed, but without surrounding white space. Refuses empty
 * and over-long text (schemas check the raw length; this checks what would be stored).
 */
export function checkMessageText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw createError('MESSAGE_EMPTY');
  if (trimmed.length > MAX_MESSAGE_LENGTH) throw createError('MESSAGE_TOO_LONG', { max: MAX_MESSAGE_LENGTH });
  return trimmed;
}

/** The start of a first message, on one line, for the queue list. */
export function previewOf(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= QUEUE_PREVIEW_LENGTH ? line : `${line.slice(0, QUEUE_PREVIEW_LENGTH - 1)}…`;
}
