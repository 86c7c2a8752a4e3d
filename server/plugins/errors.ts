/** One mapper from any error to a REST reply: catalogued codes as they are, everything else INTERNAL. */
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createError, isSwitchboardError, toWireError, type SwitchboardError } from '../../shared/errors';
import { toPayloadError } from '../domain/validate';
import { isStoreUnavailable } from '../store/unavailable';

/**
 * Fastify's own 4xx (schema validation, bad JSON, wrong content type, body too large) are bad payloads.
 * A schema refusal is told as the domain's validator tells it (`{ path, problem }`), so a body is refused
 * in the same words whether it came by REST, the CLI or a socket; `in` says which part when not the body.
 */
function toKnownError(error: unknown, request: FastifyRequest): SwitchboardError | null {
  if (isSwitchboardError(error)) return error;
  if (isStoreUnavailable(error)) return createError('UNAVAILABLE');
  const { statusCode, message, validation, validationContext } = error as FastifyError;
  if (validation) {
    const part = validationContext ?? 'body';
    const checked = { body: request.body, params: request.params, querystring: request.query, headers: request.headers }[part];
    const refused = toPayloadError(validation as ErrorObject[], checked);
    return part === 'body' ? refused : createError(refused.code, { ...refused.details, in: part });
  }
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return createError('PAYLOAD_INVALID', { problem: message ?? 'invalid request' });
  }
  return null;
}

export default fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const known = toKnownError(error, request);
      if (!known) request.log.error({ err: error }, 'request failed');
      else if (known.code === 'UNAVAILABLE') {
        request.log.warn({ err: error }, 'request failed: the store is out of reach');
        reply.header('retry-after', '1');
      }
      return reply.code(known?.statusCode ?? 500).send({ error: toWireError(known ?? error) });
    });
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: toWireError(createError('NOT_FOUND')) }));
  },
  { name: 'switchboard-errors' },
);
