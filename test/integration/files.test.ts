/**
 * Attachments end to end, on the real Redis with real sockets and files on disk: a visitor's PNG
 * reaches the agent as a message whose signed link serves the image; nobody else opens it (another
 * conversation's visitor, no link, another site's agent, an expired link, file A with B's
 * signature); lies about the type and files over the site's limit are refused, changing nothing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { MessageView, VisitorSession } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { addSecondSite } from '../helpers/second-site';
import { siteApi } from '../helpers/site-api';
import { SHOP_ORIGIN, startApp, type StartedApp } from '../helpers/start-app';
import { exeBytes, htmlBytes, pdfBytes, pngBytes, uploadFile } from '../helpers/test-files';
import { waitFor } from '../helpers/wait-for';
import { startFakeS3 } from '../helpers/fake-s3';

const ACK_MS = 3_000;

interface Visitor {
  socket: VisitorClient;
  token: string;
  conversationId: string;
}

describe('attachments', () => {
  let started: StartedApp;
  let filesDir: string;
  let clock = Date.now();

  beforeAll(async () => {
    await assertRedisReachable();
    filesDir = await mkdtemp(join(tmpdir(), 'sb-files-test-'));
    started = await startApp({ env: { FILES_DIR: filesDir }, overrides: { now: () => clock } });
  });
  afterAll(async () => {
    disconnectAll();
    await started?.close();
    await rm(filesDir, { recursive: true, force: true });
  });

  /** A visitor with an open conversation. */
  async function visitorWithConversation(text = 'I was charged twice, screenshot coming'): Promise<Visitor> {
    const socket = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = expectOk(await emitWithTimeout(socket, ACK_MS, 'session:resume', {}));
    const sent = expectOk(await emitWithTimeout(socket, ACK_MS, 'message:send', { clientId: randomUUID(), text }));
    return { socket, token: session.token, conversationId: sent.conversation.id };
  }

  const upload = (...args: Parameters<typeof uploadFile> extends [unknown, ...infer Rest] ? Rest : never) => uploadFile(started, ...args);

  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
  const filesOnDisk = async (conversationId: string) => {
    const folder = join(filesDir, started.siteKey, conversationId);
    return existsSync(folder) ? (await readdir(folder)).filter((n) => !n.endsWith('.json')) : [];
  };

  /** A service conversation taken by Sam, who is sent its messages. */
  async function takenBySam(visitor: Visitor): Promise<AgentClient> {
    const sam = await connectAgent(started.url, started.serviceAgent);
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:take', { conversationId: visitor.conversationId }));
    return sam;
  }

  it("delivers a visitor's PNG to the agent as a message whose signed link serves the image, and to nobody else", async () => {
    const visitor = await visitorWithConversation();
    const sam = await takenBySam(visitor);
    const png = pngBytes(64, 48);
    const told = waitFor<[MessageView]>(sam, 'message:new');
    const response = await upload(visitor.conversationId, png, 'screenshot.png', visitor);
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const { message: own } = (await response.json()) as { message: MessageView };
    expect(own.attachment).toMatchObject({ name: 'screenshot.png', size: png.length, type: 'image/png', width: 64, height: 48 });
    expect(own.attachment!.url).toMatch(/^\/files\/f_/);

    const [message] = await told;
    expect(message).toMatchObject({ author: 'visitor', text: 'screenshot.png', attachment: { id: own.attachment!.id, type: 'image/png', width: 64, height: 48 } });
    // The agents' copy carries no link (links are minted per audience): the console asks for one.
    expect(message.attachment!.url).toBeUndefined();
    const cookie = await logIn(started.url, started.serviceAgent);
    const link = await siteApi(started, 'GET', `/conversations/${visitor.conversationId}/files/${message.attachment!.id}/link`, cookie);
    expect(link.status).toBe(200);
    const { url } = (await link.json()) as { url: string };
    const image = await fetch(`${started.url}${url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(image.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    expect(await filesOnDisk(visitor.conversationId)).toEqual([message.attachment!.id]);

    // No link at all, or one without its signature: nothing.
    const bare = await fetch(`${started.url}/files/${message.attachment!.id}`);
    expect(bare.status).toBe(400);
    const unsigned = new URL(url, started.url);
    unsigned.searchParams.set('sig', 'A'.repeat(43));
    const forged = await fetch(unsigned);
    expect(forged.status).toBe(403);
    expect(await errorCode(forged)).toBe('FILE_LINK_INVALID');

    // Another visitor, of another conversation, cannot mint a link to it nor upload into it.
    const other = await visitorWithConversation('my order never came');
    const theirs = await fetch(`${started.url}/api/v1/sites/${started.siteKey}/conversations/${visitor.conversationId}/files/${message.attachment!.id}/link`, {
      headers: { authorization: `Bearer ${other.token}`, origin: SHOP_ORIGIN },
    });
    expect(theirs.status).toBe(404);
    expect(await errorCode(theirs)).toBe('CONVERSATION_NOT_FOUND');
    const intrusion = await upload(visitor.conversationId, pngBytes(4, 4), 'x.png', other);
    expect(await errorCode(intrusion)).toBe('CONVERSATION_NOT_FOUND');

    // An agent of another site: no link, no upload.
    const rival = await addSecondSite(started);
    const rivalCookie = await logIn(started.url, rival.agent);
    const rivalLink = await siteApi(started, 'GET', `/conversations/${visitor.conversationId}/files/${message.attachment!.id}/link`, rivalCookie);
    expect(rivalLink.status).toBe(404);
    expect(await errorCode(rivalLink)).toBe('SITE_NOT_FOUND');
    const rivalUpload = await upload(visitor.conversationId, pngBytes(4, 4), 'x.png', { cookie: rivalCookie });
    expect(await errorCode(rivalUpload)).toBe('SITE_NOT_FOUND');
    expect(await filesOnDisk(visitor.conversationId)).toHaveLength(1);
  });

  it("gives the visitor a link of their own with the message, which opens only that file, until it expires", async () => {
    const visitor = await visitorWithConversation();
    const sam = await takenBySam(visitor);
    const pdf = pdfBytes();
    const told = waitFor<[MessageView]>(visitor.socket, 'message:new');
    const cookie = await logIn(started.url, started.serviceAgent);
    const sent = await upload(visitor.conversationId, pdf, 'invoice 4411.pdf', { cookie });
    expect(sent.status).toBe(201);
    const [pdfMessage] = await told;
    expect(pdfMessage).toMatchObject({ author: 'agent', text: 'invoice 4411.pdf', attachment: { type: 'application/pdf', size: pdf.length } });
    const file = await fetch(`${started.url}${pdfMessage.attachment!.url!}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;.*filename\*=UTF-8''invoice%204411\.pdf/);
    expect(file.headers.get('content-type')).toBe('application/pdf');

    // File A's link with file B's signature (same conversation) opens nothing.
    const png = await upload(visitor.conversationId, pngBytes(8, 8), 'b.png', visitor);
    const { message: pngMessage } = (await png.json()) as { message: MessageView };
    const a = new URL(pdfMessage.attachment!.url!, started.url);
    const b = new URL(pngMessage.attachment!.url!, started.url);
    a.searchParams.set('sig', b.searchParams.get('sig')!);
    a.searchParams.set('exp', b.searchParams.get('exp')!);
    a.searchParams.set('a', b.searchParams.get('a')!);
    const swapped = await fetch(a);
    expect(swapped.status).toBe(403);
    expect(await errorCode(swapped)).toBe('FILE_LINK_INVALID');
    // The link of a file of this conversation, pointed at another conversation: nothing.
    const elsewhere = new URL(b);
    elsewhere.searchParams.set('c', 'c_someone_else');
    expect(await errorCode(await fetch(elsewhere))).toBe('FILE_LINK_INVALID');

    // A resumed session brings fresh links with the messages.
    const resumed = expectOk(await emitWithTimeout(visitor.socket, ACK_MS, 'session:resume', {})) as VisitorSession;
    expect(resumed.messages.filter((m) => m.attachment).map((m) => m.attachment!.url)).toHaveLength(2);

    clock += 2 * 3_600_000;
    try {
      const expired = await fetch(b);
      expect(expired.status).toBe(403);
      expect(await errorCode(expired)).toBe('FILE_LINK_EXPIRED');
    } finally {
      clock -= 2 * 3_600_000;
    }
    sam.disconnect();
  });

  it('refuses a file that lies about its type, an empty one and one over the site limit, storing nothing', async () => {
    const visitor = await visitorWithConversation();
    const cases: [Buffer, string, number, string][] = [
      [exeBytes(), 'cat.png', 415, 'FILE_TYPE_NOT_ALLOWED'],
      [htmlBytes(), 'cat.png', 415, 'FILE_TYPE_MISMATCH'],
      [pngBytes(4, 4), 'notes.txt', 415, 'FILE_TYPE_MISMATCH'],
      [htmlBytes(), 'page.html', 415, 'FILE_TYPE_NOT_ALLOWED'],
      [Buffer.alloc(0), 'empty.txt', 400, 'FILE_EMPTY'],
    ];
    for (const [body, name, status, code] of cases) {
      const response = await upload(visitor.conversationId, body, name, visitor);
      expect([name, response.status, await errorCode(response)]).toEqual([name, status, code]);
    }
    await siteApi(started, 'PATCH', '/routing/settings', await logIn(started.url, started.adminAgent), { maxFileBytes: 1_000 });
    try {
      const big = await upload(visitor.conversationId, Buffer.concat([pngBytes(4, 4), Buffer.alloc(2_000)]), 'big.png', visitor);
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { details: unknown } }).error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { maxBytes: 1_000 } });
    } finally {
      await siteApi(started, 'PATCH', '/routing/settings', await logIn(started.url, started.adminAgent), { maxFileBytes: 10 * 1024 * 1024 });
    }
    // A page of another origin, a forged token: refused before anything is read.
    expect(await errorCode(await upload(visitor.conversationId, pngBytes(4, 4), 'a.png', visitor, { origin: 'https://evil.example' }))).toBe('ORIGIN_NOT_ALLOWED');
    expect(await errorCode(await upload(visitor.conversationId, pngBytes(4, 4), 'a.png', { token: `${visitor.token.split('.')[0]}.forged` }))).toBe('VISITOR_TOKEN_INVALID');
    expect(await filesOnDisk(visitor.conversationId)).toEqual([]);
    const messages = expectOk(await emitWithTimeout(visitor.socket, ACK_MS, 'session:resume', {})).messages;
    expect(messages).toHaveLength(1);
  });

  it('answers the preflight of the site’s own pages only', async () => {
    const visitor = await visitorWithConversation();
    const path = `${started.url}/api/v1/sites/${started.siteKey}/conversations/${visitor.conversationId}/files`;
    const ask = (origin: string) =>
      fetch(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await ask(SHOP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await ask('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("counts an agent's attachment as the first reply (FRT), as any agent message", async () => {
    const visitor = await visitorWithConversation();
    await takenBySam(visitor);
    const cookie = await logIn(started.url, started.serviceAgent);
    expect((await upload(visitor.conversationId, pdfBytes(), 'steps.pdf', { cookie })).status).toBe(201);
    const events = await started.app.store.listKpiEvents(started.siteKey, 1_000);
    expect(events.filter((e) => e.type === 'first-reply' && e.conversationId === visitor.conversationId)).toHaveLength(1);
  });

  it('stores a retried upload once (same client id)', async () => {
    const visitor = await visitorWithConversation();
    const clientId = randomUUID();
    const first = await upload(visitor.conversationId, pngBytes(4, 4), 'a.png', visitor, { clientId });
    const again = await upload(visitor.conversationId, pngBytes(4, 4), 'a.png', visitor, { clientId });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(await filesOnDisk(visitor.conversationId)).toHaveLength(1);
  });

  it("deletes a conversation's files with it when retention deletes it", async () => {
    const visitor = await visitorWithConversation();
    const sam = await takenBySam(visitor);
    await upload(visitor.conversationId, pngBytes(4, 4), 'a.png', visitor);
    expect(await filesOnDisk(visitor.conversationId)).toHaveLength(1);
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:resolve', { conversationId: visitor.conversationId }));
    await siteApi(started, 'PATCH', '/routing/settings', await logIn(started.url, started.adminAgent), { retentionDays: 1 });
    clock += 2 * 86_400_000;
    try {
      const { deleted } = await started.app.privacy.applyRetention(started.siteKey);
      expect(deleted).toBeGreaterThan(0);
    } finally {
      clock -= 2 * 86_400_000;
      await siteApi(started, 'PATCH', '/routing/settings', await logIn(started.url, started.adminAgent), { retentionDays: null });
    }
    expect(existsSync(join(filesDir, started.siteKey, visitor.conversationId))).toBe(false);
  });
});

describe('attachments in S3-compatible storage', () => {
  it('uploads, serves through a signed link and deletes with the conversation, through the app configured with S3_BUCKET', async () => {
    await assertRedisReachable();
    const fake = await startFakeS3('chat-files');
    const started = await startApp({
      env: { S3_BUCKET: 'chat-files', S3_ENDPOINT: fake.endpoint, S3_ACCESS_KEY_ID: 'test', S3_SECRET_ACCESS_KEY: 'test-secret' },
    });
    try {
      const socket = await connectVisitor(started.url, { siteKey: started.siteKey });
      const { token, visitorId } = expectOk(await emitWithTimeout(socket, ACK_MS, 'session:resume', {}));
      const { conversation } = expectOk(await emitWithTimeout(socket, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'the app crashes, log attached' }));
      const log = Buffer.from('12:00:01 FATAL pairing failed\n');
      const sent = await uploadFile(started, conversation.id, log, 'crash.log', { token });
      expect(sent.status).toBe(201);
      const { message } = (await sent.json()) as { message: MessageView };
      expect([...fake.objects.keys()]).toEqual([`${started.siteKey}/${conversation.id}/${message.attachment!.id}`]);
      const file = await fetch(`${started.url}${message.attachment!.url!}`);
      expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="crash.log"/);
      expect(Buffer.from(await file.arrayBuffer()).equals(log)).toBe(true);

      const cookie = await logIn(started.url, started.adminAgent);
      expect((await siteApi(started, 'DELETE', `/visitors/${visitorId}`, cookie)).status).toBe(200);
      expect(fake.objects.size).toBe(0);
    } finally {
      disconnectAll();
      await started.close();
      await fake.close();
    }
  });
});
