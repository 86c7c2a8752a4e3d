/** The OpenAPI document: generated from the routes' own schemas, listing every REST route there is. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApiRoutes } from '../helpers/coverage';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; 'x-switchboard-auth'?: string; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>>;
}

describe('GET /api/v1/openapi.json', () => {
  let started: StartedApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    const response = await fetch(`${started.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as OpenApiDocument;
  });
  afterAll(() => started?.close());

  it('lists every registered REST route (all but the WebSocket feed), and nothing else', () => {
    // `/sites/:siteKey/agents/:agentId` is `/sites/{siteKey}/agents/{agentId}` in OpenAPI.
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    expect(doc.openapi).toMatch(/^3\./);
    // The wallboard feed is a WebSocket, which OpenAPI cannot describe (docs/api.md does).
    expect(documented).toEqual(listApiRoutes(started.app).filter((route) => route !== 'GET /api/v1/metrics/live').sort());
    expect(documented).toContain('PATCH /api/v1/sites/:siteKey/agents/:agentId');
  });

  it('describes bodies and answers from the shared schemas, and who may call each route', () => {
    const patchAgent = doc.paths['/api/v1/sites/{siteKey}/agents/{agentId}']!.patch!;
    expect(patchAgent['x-switchboard-auth']).toBe('admin');
    expect(patchAgent.security).toEqual([{ session: [] }]);
    expect(JSON.stringify(patchAgent.requestBody)).toContain('"capacity"');
    expect(Object.keys(patchAgent.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409']));
    const createSite = doc.paths['/api/v1/sites']!.post!;
    expect(JSON.stringify(createSite.requestBody)).toContain('"format":"origin"');
    expect(doc.paths['/api/v1/sessions']!.post!.security).toBeUndefined();
  });
});
