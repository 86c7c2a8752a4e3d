/**
 * The one way input is checked against the shared TypeBox schemas: compiled once with Ajv,
 * synchronous and store-free. Socket payloads (realtime), settings changes (the domain and the
 * CLI) and, through `SCHEMA_FORMATS` and `toPayloadError`, Fastify's REST validation all
 * refuse the same value with the same catalogued error.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { createError, type SwitchboardError } from '../../shared/errors';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits';
import { SETTINGS_FORMATS } from '../../shared/schemas';
import { isCalendarDate, isColour, isKnownTimeZone, parseOpeningRange } from './business-hours';

/**
 * The formats the shared schemas use, as Ajv's `formats` option. Fastify's two Ajv instances get them
 * too (`ajv.customOptions` and `serializerOpts.ajv` in server/app.ts), so REST refuses what the domain does.
 */
export const SCHEMA_FORMATS = {
  [SETTINGS_FORMATS.timeZone]: { type: 'string', validate: isKnownTimeZone },
  [SETTINGS_FORMATS.openingRange]: { type: 'string', validate: (range: string) => parseOpeningRange(range) !== null },
  [SETTINGS_FORMATS.colour]: { type: 'string', validate: isColour },
  [SETTINGS_FORMATS.calendarDate]: { type: 'string', validate: isCalendarDate },
} as const satisfies Record<string, { type: 'string'; validate: (value: string) => boolean }>;

// The same options as Fastify's Ajv in server/app.ts: unknown fields refused, never stripped or coerced.
const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false, removeAdditional: false, formats: SCHEMA_FORMATS });

export type PayloadCheck<T> = (payload: unknown) => T;

/** The value at a JSON pointer, to quote it in a message (Ajv's errors do not carry it). */
function valueAt(payload: unknown, pointer: string): unknown {
  let value = payload;
  for (const step of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

const FORMAT_PROBLEMS: Record<string, (value: unknown) => string> = {
  [SETTINGS_FORMATS.timeZone]: (value) => `unknown time zone "${String(value)}" (use an IANA name like Europe/Paris)`,
  [SETTINGS_FORMATS.openingRange]: (value) => `"${String(value)}" is not a range like 09:00-17:30 that ends after it starts`,
  [SETTINGS_FORMATS.colour]: (value) => `"${String(value)}" is not a colour: give six hex digits like #1d4ed8`,
  [SETTINGS_FORMATS.calendarDate]: (value) => `"${String(value)}" is not a date like 2026-12-25`,
};

/**
 * The catalogued error for Ajv's first error on `payload`: PAYLOAD_INVALID with `{ path, problem }`
 * naming the field, or MESSAGE_TOO_LONG / MESSAGE_EMPTY for a message's text.
 */
export function toPayloadError(errors: readonly ErrorObject[] | null | undefined, payload: unknown): SwitchboardError {
  const first = errors?.[0];
  if (first?.keyword === 'maxLength' && first.instancePath === '/text') {
    return createError('MESSAGE_TOO_LONG', { max: MAX_MESSAGE_LENGTH });
  }
  // `''` gets the same code as white space only (which the domain refuses after trimming).
  if (first?.keyword === 'minLength' && first.instancePath === '/text') return createError('MESSAGE_EMPTY');
  if (first?.keyword === 'additionalProperties') {
    return createError('PAYLOAD_INVALID', { path: `${first.instancePath}/${String(first.params.additionalProperty)}`, problem: 'is not a known field' });
  }
  const path = first?.instancePath || '(payload)';
  const formatProblem = first?.keyword === 'format' ? FORMAT_PROBLEMS[String(first.params.format)] : undefined;
  if (formatProblem) return createError('PAYLOAD_INVALID', { path, problem: formatProblem(valueAt(payload, first!.instancePath)) });
  return createError('PAYLOAD_INVALID', { path, problem: first?.message ?? 'invalid' });
}

/** @returns a function that returns the payload typed, or throws PAYLOAD_INVALID / MESSAGE_TOO_LONG / MESSAGE_EMPTY */
export function compilePayloadCheck<S extends TSchema>(schema: S): PayloadCheck<Static<S>> {
  const validate = ajv.compile(schema);
  return (payload) => {
    if (!validate(payload)) throw toPayloadError(validate.errors, payload);
    return payload as Static<S>;
  };
}
