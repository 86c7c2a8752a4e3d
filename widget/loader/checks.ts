/**
 * The page-side checks of `Switchboard.identify` and `Switchboard.setContext`, mirroring the server's
 * schemas (VisitorIdentifyPayloadSchema, VisitorCustomContextSchema) so a malformed call is reported
 * on the page with the field at fault. A file of its own, fetched on first use: the loader's budget.
 */
import { MAX_CONTEXT_KEY_LENGTH, MAX_CONTEXT_KEYS, MAX_CONTEXT_VALUE_LENGTH } from '../../shared/limits';
import type { CustomContext } from './api';

/** identify's fields: the longest length and the pattern, as VisitorIdentifyPayloadSchema has them. */
const IDENTITY_RULES: Record<string, [number, RegExp?]> = { userId: [128], name: [100], email: [254, /^[^\s@]+@[^\s@]+$/], hash: [64, /^[0-9a-f]{64}$/i] };

const isText = (value: unknown, max: number, pattern?: RegExp): boolean =>
  typeof value === 'string' && value.length > 0 && value.length <= max && (!pattern || pattern.test(value));

/** The field of an identity that is wrong (unknown, malformed, userId missing), or '' when none is. */
export function identityProblem(given: unknown): string {
  if (!given || typeof given !== 'object') return 'identity';
  const fields = given as Record<string, unknown>;
  for (const field in fields) {
    const rule = IDENTITY_RULES[field];
    if (!rule || (fields[field] !== undefined && !isText(fields[field], ...rule))) return field;
  }
  return isText(fields.userId, 128) ? '' : 'userId';
}

/** `kept` with `given` merged in (`null` removes a key), or the key that is wrong ('' for too many keys, or not an object). */
export function mergeContext(kept: CustomContext, given: unknown): CustomContext | string {
  if (!given || typeof given !== 'object' || Array.isArray(given)) return '';
  const next: Record<string, unknown> = { ...kept };
  for (const [key, value] of Object.entries(given)) {
    if (!isText(key, MAX_CONTEXT_KEY_LENGTH) || !(value === null || (typeof value === 'number' ? isFinite(value) : typeof value === 'string' && value.length <= MAX_CONTEXT_VALUE_LENGTH))) return key;
    next[key] = value;
    if (value === null) delete next[key];
  }
  return Object.keys(next).length > MAX_CONTEXT_KEYS ? '' : (next as CustomContext);
}

