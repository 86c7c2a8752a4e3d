/** One mapper from any error to a REST reply: catalogued codes as they are, everything else INTERNAL. */
import fp from 'fastify-plugin';
import { createError, isSwitchboardError, toWireError, type SwitchboardError } from '../../shared/errors';

/** Fastify's own 4xx (schema validation, bad JSON, wrong content type, body too large) are bad payloads. */
function toKnownError(error: unknown): SwitchboardError | null {
  if (isSwitchboardError(error)) return error;
  const { statusCode, message } = error as { statusCode?: number; message?: string };
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return createError('PAYLOAD_INVALID', { problem: message ?? 'invalid request' });
  }
  return null;
}

export default fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const known = toKnownError(error);
      if (!known) request.log.error({ err: error }, 'request failed');
      return reply.code(known?.statusCode ?? 500).send({ error: toWireError(known ?? error) });
    });
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: toWireError(createError('NOT_FOUND')) }));
  },
  { name: 'switchboard-errors' },
);
