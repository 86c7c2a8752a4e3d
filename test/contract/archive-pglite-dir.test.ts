/** The embedded archive in ARCHIVE_DIR outlives its process: written, closed, opened again, still there. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createArchive } from '../../server/plugins/archive';
import type { ConversationView } from '../../shared/protocol';

describe('PGlite in ARCHIVE_DIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-archive-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was archived across a close and a new start, migrations applied once', async () => {
    const conversation = { id: 'c1', siteKey: 's1', visitorId: 'v1', status: 'resolved', queue: 'support', preview: 'crash', createdAt: 1, queuedAt: 1, resolvedAt: 2, routing: { queue: 'support', by: 'model', confidence: 1, reason: '', uncertain: false } } as ConversationView;
    const messages = [{ id: '1-0', conversationId: 'c1', clientId: 'client-1', author: 'visitor' as const, text: 'The app crashes on start', createdAt: 1 }];
    const first = await createArchive({ databaseUrl: undefined, archiveDir: dir });
    await first.put({ conversation, messages }, 3);
    await first.close();
    const second = await createArchive({ databaseUrl: undefined, archiveDir: dir });
    try {
      expect((await second.search({ siteKey: 's1', q: 'crashes', limit: 5 })).hits.map((h) => h.id)).toEqual(['c1']);
      expect((await second.get('s1', 'c1'))?.messages).toEqual(messages);
    } finally {
      await second.close();
    }
  }, 120_000);
});
