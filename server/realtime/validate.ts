/**
 * Socket payload validators, compiled once from the shared TypeBox schemas. Synchronous and
 * store-free: a payload is checked before the domain sees it.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { createError, type SwitchboardError } from '../../shared/errors';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits';

const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false, removeAdditional: false });

export type PayloadCheck<T> = (payload: unknown) => T;

function toError(errors: ErrorObject[] | null | undefined): SwitchboardError {
  const first = errors?.[0];
  if (first?.keyword === 'maxLength' && first.instancePath === '/text') {
    return createError('MESSAGE_TOO_LONG', { max: MAX_MESSAGE_LENGTH });
  }
  // `''` gets the same code as white space only (which the domain refuses after trimming).
  if (first?.keyword === 'minLength' && first.instancePath === '/text') return createError('MESSAGE_EMPTY');
  const where = first?.instancePath || '(payload)';
  return createError('PAYLOAD_INVALID', { path: where, problem: first?.message ?? 'invalid' });
}

/** @returns a function that returns the payload typed, or throws PAYLOAD_INVALID / MESSAGE_TOO_LONG / MESSAGE_EMPTY */
export function compilePayloadCheck<S extends TSchema>(schema: S): PayloadCheck<Static<S>> {
  const validate = ajv.compile(schema);
  return (payload) => {
    if (!validate(payload)) throw toError(validate.errors);
    return payload as Static<S>;
  };
}
