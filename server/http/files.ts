/**
 * Attachments over HTTP (docs/protocol.md, "Attachments"): upload into a conversation, a fresh
 * signed link, and the file behind a signed link. Visitors call from the site's pages with their
 * token (`Authorization: Bearer`), answered with CORS for the site's allowed origins only; agents
 * call from the console with their session cookie.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createError } from '../../shared/errors';
import {
  ErrorReplySchema,
  FileGetParamsSchema,
  FileGetQuerySchema,
  FileLinkParamsSchema,
  FileLinkSchema,
  FileUploadParamsSchema,
  FileUploadQuerySchema,
} from '../../shared/schemas';
import type { FileActor } from '../domain/attachments';
import { SESSION_COOKIE } from '../domain/agent-session';
import { isOriginAllowed } from '../domain/sites';
import { toVisitorMessage } from '../domain/views';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema, 409: ErrorReplySchema, 413: ErrorReplySchema, 415: ErrorReplySchema };
const BEARER = /^Bearer ([^\s]{1,512})$/;
/** How long a browser may keep a preflight's answer. */
const PREFLIGHT_MAX_AGE_S = 600;

/** The body, up to `maxBytes`; more is FILE_TOO_LARGE (the connection is then closed, not read to the end). */
async function readBody(raw: IncomingMessage, maxBytes: number, reply: FastifyReply): Promise<Buffer> {
  const declared = Number(raw.headers['content-length']);
  const tooLarge = () => {
    reply.header('connection', 'close');
    return createError('FILE_TOO_LARGE', { maxBytes });
  };
  if (declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export default async function fileRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // In this plugin only: a body is the file's raw bytes, whatever type the sender declared (the
  // content decides), read as a stream so the site's limit stops it early.
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  /**
   * Who is calling: a visitor by their token for this site, from one of its allowed origins (the
   * answer then allows that origin), or an agent by their session cookie.
   */
  const actorOf = async (request: FastifyRequest, reply: FastifyReply, siteKey: string): Promise<FileActor> => {
    const bearer = BEARER.exec(request.headers.authorization ?? '');
    if (!bearer) {
      const agent = await app.agentAccounts.authenticate(request.cookies[SESSION_COOKIE]);
      if (!agent) throw createError('AUTH_REQUIRED');
      return { kind: 'agent', agent };
    }
    const site = await app.store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    const origin = request.headers.origin;
    if (!isOriginAllowed(site, origin)) throw createError('ORIGIN_NOT_ALLOWED', { origin: origin ?? null });
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    const visitorId = app.visitorTokens.verify(bearer[1]!, siteKey);
    if (!visitorId) throw createError('VISITOR_TOKEN_INVALID');
    return { kind: 'visitor', siteKey, visitorId };
  };

  /** A site's page asks first whether it may send the token (and bytes): only its allowed origins may. */
  const preflight = (methods: string) => async (request: FastifyRequest<{ Params: { siteKey: string } }>, reply: FastifyReply) => {
    const site = await app.store.getSite(request.params.siteKey);
    const origin = request.headers.origin;
    if (!site || !isOriginAllowed(site, origin)) throw createError('ORIGIN_NOT_ALLOWED', { origin: origin ?? null });
    return reply
      .code(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', methods)
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
      .header('vary', 'Origin')
      .send();
  };

  const uploadPath = '/api/v1/sites/:siteKey/conversations/:conversationId/files';
  app.options(uploadPath, { schema: { params: FileUploadParamsSchema } }, preflight('POST'));
  app.post(
    uploadPath,
    {
      config: { visitorToken: true },
      schema: {
        params: FileUploadParamsSchema,
        querystring: FileUploadQuerySchema,
        response: { 200: Type.Object({ message: Type.Unknown(), duplicate: Type.Boolean() }), 201: Type.Object({ message: Type.Unknown(), duplicate: Type.Boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      const { siteKey, conversationId } = request.params;
      const actor = await actorOf(request, reply, siteKey);
      const { maxBytes } = await app.attachments.prepareUpload(actor, siteKey, conversationId);
      const body = await readBody(request.body as IncomingMessage, maxBytes, reply);
      const sent = await app.attachments.upload(actor, { siteKey, conversationId, name: request.query.name, clientId: request.query.clientId, body }, {});
      const audience = actor.kind;
      const linkFor = (c: string, fileId: string) => app.fileLinks.mint({ siteKey, conversationId: c, fileId }, audience).url;
      // The visitor's answer goes through the visitor projection; an agent's is the message whole, with a link.
      const message = audience === 'visitor' ? toVisitorMessage(sent.message, linkFor) : { ...sent.message, attachment: { ...sent.message.attachment!, url: linkFor(conversationId, sent.message.attachment!.id) } };
      return reply.code(sent.duplicate ? 200 : 201).send({ message, duplicate: sent.duplicate });
    },
  );

  const linkPath = '/api/v1/sites/:siteKey/conversations/:conversationId/files/:fileId/link';
  app.options(linkPath, { schema: { params: FileLinkParamsSchema } }, preflight('GET'));
  app.get(
    linkPath,
    { config: { visitorToken: true }, schema: { params: FileLinkParamsSchema, response: { 200: FileLinkSchema, ...errors } } },
    async (request, reply) => {
      const { siteKey, conversationId, fileId } = request.params;
      return app.attachments.link(await actorOf(request, reply, siteKey), siteKey, conversationId, fileId);
    },
  );

  app.get('/files/:fileId', { schema: { params: FileGetParamsSchema, querystring: FileGetQuerySchema } }, async (request, reply) => {
    const { body, info, expiresAt, inline } = await app.attachments.open(request.params.fileId, request.query);
    const type = info.type === 'text/plain' ? 'text/plain; charset=utf-8' : info.type;
    const name = encodeURIComponent(info.name);
    const ascii = info.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    return reply
      .header('content-type', type)
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${name}`)
      .header('x-content-type-options', 'nosniff')
      // Whatever a file holds, it runs nothing here: no script, no plugin, no form, its own origin.
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
      // Thumbnails show in the widget on the site's own pages.
      .header('cross-origin-resource-policy', 'cross-origin')
      // The link is the key: it is not handed on to anything the file might link to.
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', `private, max-age=${maxAge}`)
      .send(Buffer.from(body));
  });
}
