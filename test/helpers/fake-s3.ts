/**
 * A small S3-compatible server for tests: PutObject, GetObject, DeleteObject and ListObjectsV2 over
 * path-style URLs (`/<bucket>/<key>`), keeping objects in memory with their Content-Type and
 * `x-amz-meta-*` headers. It checks no signature; what it proves is that the S3 backend speaks the
 * protocol's requests and reads its answers, as MinIO or AWS would send them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  endpoint: string;
  bucket: string;
  /** The objects, by key: what the backend stored. */
  objects: Map<string, { body: Buffer; headers: Record<string, string> }>;
  /** Every request as `METHOD path?query`, for tests that want to see what was asked. */
  requests: string[];
  close(): Promise<void>;
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function startFakeS3(bucket = 'test-bucket'): Promise<FakeS3> {
  const objects: FakeS3['objects'] = new Map();
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url!, 'http://fake');
      requests.push(`${request.method} ${url.pathname}${url.search}`);
      const [, first, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      if (first !== bucket) {
        response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchBucket</Code><Message>no bucket</Message></Error>');
        return;
      }
      if (request.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
        const contents = keys.map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(k)!.body.length}</Size></Contents>`).join('');
        response
          .writeHead(200, { 'content-type': 'application/xml' })
          .end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
        return;
      }
      if (request.method === 'PUT') {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (name === 'content-type' || name.startsWith('x-amz-meta-')) headers[name] = String(value);
        objects.set(key, { body: await bodyOf(request), headers });
        response.writeHead(200, { etag: '"fake"' }).end();
        return;
      }
      if (request.method === 'GET') {
        const object = objects.get(key);
        if (!object) {
          response.writeHead(404, { 'content-type': 'application/xml' }).end(`<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${xmlEscape(key)}</Key></Error>`);
          return;
        }
        response.writeHead(200, { ...object.headers, 'content-length': String(object.body.length) }).end(object.body);
        return;
      }
      if (request.method === 'DELETE') {
        objects.delete(key);
        response.writeHead(204).end();
        return;
      }
      response.writeHead(405).end();
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bucket,
    objects,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
