import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView } from '../../shared/protocol';
import type { Archive, ArchivedMessage, ArchiveEntry } from '../../server/store/archive/archive';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12);

let seq = 0;
function entry(over: Partial<ConversationView> & { siteKey: string }, texts: string[], extra: Partial<ArchivedMessage>[] = []): ArchiveEntry {
  seq += 1;
  const id = over.id ?? `c${seq}`;
  const createdAt = over.createdAt ?? T0 + seq * 1000;
  const conversation: ConversationView = {
    id,
    visitorId: `v${seq}`,
    status: 'resolved',
    queue: 'service',
    routing: { queue: 'service', by: 'model', confidence: 0.9, reason: 'test' } as ConversationView['routing'],
    preview: texts[0] ?? '',
    createdAt,
    queuedAt: createdAt,
    assignedAgentId: 'ag1',
    assignedAgentName: 'Sam',
    resolvedAt: createdAt + 60_000,
    ...over,
  };
  const messages: ArchivedMessage[] = texts.map((text, i) => ({
    id: `${createdAt + i}-0`,
    conversationId: id,
    clientId: `client-${id}-${i}`,
    author: i % 2 === 0 ? 'visitor' : 'agent',
    ...(i % 2 === 1 ? { agentName: 'Sam' } : {}),
    text,
    createdAt: createdAt + i,
    ...extra[i],
  }));
  return { conversation, messages };
}

/** One suite for every archive backend (PGlite, PostgreSQL), as the store contract is for the stores. */
export function describeArchiveContract(name: string, create: () => Promise<{ archive: Archive; cleanup(): Promise<void> }>) {
  describe(`Archive contract: ${name}`, () => {
    let archive: Archive;
    let cleanup: () => Promise<void>;
    const site = `s${Math.random().toString(36).slice(2, 8)}`;
    const other = `${site}x`;

    beforeAll(async () => {
      ({ archive, cleanup } = await create());
    });
    afterAll(async () => cleanup?.());

    it('writes a conversation with its messages and reads it back; writing it again changes nothing', async () => {
      const e = entry({ siteKey: site, visitor: { userId: 'u1', name: 'Ana Lima', email: 'Ana@Example.com', verified: false } }, ['Hello', 'Hi, how can I help?', 'Where is order 4411?']);
      await archive.put(e, T0);
      await archive.put(e, T0);
      const back = await archive.get(site, e.conversation.id);
      expect(back?.conversation).toEqual(e.conversation);
      expect(back?.messages).toEqual(e.messages);
      expect(back?.attachments).toEqual([]);
      expect(await archive.get(other, e.conversation.id)).toBeNull();
      const page = await archive.search({ siteKey: site, q: '4411', limit: 10 });
      expect(page.hits.map((h) => h.id)).toEqual([e.conversation.id]);
    });

    it('keeps messages of any kind with their own fields (notes, attachments) without a migration', async () => {
      const e = entry({ siteKey: site }, ['My printer jams', 'internal: known firmware bug'], [{}, { kind: 'note', visibility: 'internal', extra: { a: 1 } } as Partial<ArchivedMessage>]);
      await archive.put({ ...e, attachments: [{ id: 'f1', name: 'log.txt' }] }, T0);
      const back = await archive.get(site, e.conversation.id);
      expect(back?.messages[1]).toMatchObject({ kind: 'note', visibility: 'internal', extra: { a: 1 } });
      expect(back?.attachments).toEqual([{ id: 'f1', name: 'log.txt' }]);
    });

    it('finds words stemmed in the visitor language, phrases, names and emails, with safe highlight ranges', async () => {
      const fr = entry({ siteKey: site, context: { language: 'fr-FR', at: T0 } as ConversationView['context'] }, ['Bonjour', 'Bonjour !', 'Mes commandes ne sont pas livrées <b>vite</b>']);
      const en = entry({ siteKey: site, visitor: { userId: 'u2', name: 'Zoé Quartz', email: 'zq@shop.example', verified: true } }, ['My parcels arrived broken', 'Sorry!', 'The blue parcel was crushed']);
      await archive.put(fr, T0);
      await archive.put(en, T0);
      const ids = async (q: string) => (await archive.search({ siteKey: site, q, limit: 10 })).hits.map((h) => h.id);
      expect(await ids('commande livrée')).toEqual([fr.conversation.id]);
      expect(await ids('parcel')).toEqual([en.conversation.id]);
      expect(await ids('"blue parcel"')).toEqual([en.conversation.id]);
      expect(await ids('"parcel blue"')).toEqual([]);
      expect(await ids('quartz')).toEqual([en.conversation.id]);
      expect(await ids('zq@shop.example')).toEqual([en.conversation.id]);
      expect(await ids('parcel -crushed')).toEqual([]);
      const hit = (await archive.search({ siteKey: site, q: 'livrées', limit: 10 })).hits[0]!;
      // Plain text and ranges: no marker character and no markup of the database's reaches a client.
      expect(hit.highlight!.text).not.toMatch(/[\u0002\u0003]/);
      const [start, end] = hit.highlight!.marks[0]!;
      expect(hit.highlight!.text.slice(start, end)).toBe('livrées');
    });

    it('filters and pages newest first with a cursor', async () => {
      const s = `${site}p`;
      const made: ArchiveEntry[] = [];
      for (let i = 0; i < 7; i += 1) {
        const e = entry(
          {
            siteKey: s,
            createdAt: T0 + i * DAY,
            queue: i % 2 ? 'support' : 'service',
            category: i % 3 === 0 ? 'Billing' : 'Other',
            assignedAgentId: i < 3 ? 'agA' : 'agB',
            visitorId: i === 6 ? 'vip' : `v-${i}`,
            ...(i === 5 ? { status: 'abandoned' as const, resolvedAt: undefined, abandonedAt: T0 + i * DAY + 5 } : {}),
            visitor: { userId: `u${i}`, email: i === 4 ? 'Four@Example.com' : `p${i}@example.com`, verified: false },
          },
          ['refund please', 'sure'],
        );
        made.push(e);
        await archive.put(e, T0);
      }
      const ids = (hits: { id: string }[]) => hits.map((h) => h.id);
      const all = made.map((e) => e.conversation.id).reverse();
      const first = await archive.search({ siteKey: s, limit: 3 });
      expect(ids(first.hits)).toEqual(all.slice(0, 3));
      const second = await archive.search({ siteKey: s, limit: 3, after: first.after! });
      expect(ids(second.hits)).toEqual(all.slice(3, 6));
      const third = await archive.search({ siteKey: s, limit: 3, after: second.after! });
      expect(ids(third.hits)).toEqual(all.slice(6));
      expect(third.after).toBeNull();
      expect(ids((await archive.search({ siteKey: s, limit: 10, queue: 'support' })).hits)).toEqual([all[1], all[3], all[5]]);
      expect(ids((await archive.search({ siteKey: s, limit: 10, category: 'Billing' })).hits)).toEqual([all[0], all[3], all[6]]);
      expect(ids((await archive.search({ siteKey: s, limit: 10, agentId: 'agA' })).hits)).toEqual(all.slice(4));
      expect(ids((await archive.search({ siteKey: s, limit: 10, visitorId: 'vip' })).hits)).toEqual([all[0]]);
      expect(ids((await archive.search({ siteKey: s, limit: 10, email: 'four@example.COM' })).hits)).toEqual([all[2]]);
      expect(ids((await archive.search({ siteKey: s, limit: 10, status: 'abandoned' })).hits)).toEqual([all[1]]);
      expect(ids((await archive.search({ siteKey: s, limit: 10, from: T0 + 2 * DAY, to: T0 + 4 * DAY })).hits)).toEqual([all[3], all[4]]);
      expect(ids((await archive.search({ siteKey: s, limit: 10, q: 'refund', queue: 'service', from: T0 + DAY })).hits)).toEqual([all[0], all[2], all[4]]);
    });

    it('tells which conversations are archived at which version', async () => {
      const e = entry({ siteKey: site }, ['version check']);
      await archive.put(e, T0);
      const versions = await archive.versions(site, [e.conversation.id, 'nope']);
      expect([...versions.keys()]).toEqual([e.conversation.id]);
      await archive.put({ ...e, conversation: { ...e.conversation, rating: { csat: 5, at: T0 + 9 } } }, T0);
      expect((await archive.versions(site, [e.conversation.id])).get(e.conversation.id)).not.toBe(versions.get(e.conversation.id));
    });

    it('deletes by ids, by visitor and by age, only on its own site', async () => {
      const s = `${site}d`;
      const a = entry({ siteKey: s, visitorId: 'gone', createdAt: T0 - 40 * DAY }, ['old words']);
      const b = entry({ siteKey: s, visitorId: 'gone', createdAt: T0 }, ['newer words']);
      const c = entry({ siteKey: s, createdAt: T0 - 40 * DAY }, ['old too']);
      const d = entry({ siteKey: `${s}2`, visitorId: 'gone', createdAt: T0 - 40 * DAY }, ['another site']);
      for (const e of [a, b, c, d]) await archive.put(e, T0);
      expect((await archive.listVisitor(s, 'gone')).map((x) => x.conversation.id)).toEqual([a.conversation.id, b.conversation.id]);
      expect(await archive.deleteCreatedBefore(s, T0 - 30 * DAY)).toBe(2);
      expect(await archive.deleteVisitor(s, 'gone')).toBe(1);
      expect(await archive.get(s, b.conversation.id)).toBeNull();
      expect(await archive.get(`${s}2`, d.conversation.id)).not.toBeNull();
      expect(await archive.delete(`${s}2`, [d.conversation.id, 'none'])).toBe(1);
      expect((await archive.search({ siteKey: s, limit: 10 })).hits).toEqual([]);
    });
  });
}
