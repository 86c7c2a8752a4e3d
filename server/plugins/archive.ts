/**
 * The archive's jobs and history: ended conversations are written to the archive by the `archive`
 * job (one per resolve, abandon or rating), and the `archive-sweep` job writes any the archive
 * lacks; `history` searches and reads it (server/http/history.ts). The archive itself is made by
 * buildApp (createArchive) and decorated by the domain plugin, which closes it.
 */
import fp from 'fastify-plugin';
import { ARCHIVE_SWEEP_JOB, createArchiving } from '../domain/archiving';
import { createHistory } from '../domain/history';
import type { Config } from '../config';
import type { Archive } from '../store/archive/archive';
import { createSqlArchive } from '../store/archive/sql-archive';
import { createPgClient, createPgliteClient } from '../store/archive/sql-client';

/**
 * PostgreSQL through a pool with DATABASE_URL, migrated before it is returned; PGlite otherwise, in
 * ARCHIVE_DIR or in memory, started and migrated on first use.
 */
export async function createArchive(config: Pick<Config, 'databaseUrl' | 'archiveDir'>): Promise<Archive> {
  const client = config.databaseUrl ? createPgClient({ url: config.databaseUrl }) : createPgliteClient(config.archiveDir);
  try {
    return await createSqlArchive({ client, migrate: config.databaseUrl ? 'start' : 'first-use' });
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

export default fp(
  async (app) => {
    const archiving = createArchiving({
      store: app.store,
      archive: app.archive,
      jobs: app.jobs,
      events: app.events,
      now: app.kpiNow,
      onQueueFailure: (error, job) => app.log.error({ err: error, ...job }, 'archive job not queued; the archive sweep will write it'),
    });
    app.addHook('onClose', async () => archiving.stop());
    app.decorate('history', createHistory({ store: app.store, archive: app.archive }));
    await app.jobs.every(ARCHIVE_SWEEP_JOB, app.config.archiveSweepIntervalMs, async () => {
      const written = await archiving.sweep();
      if (written > 0) app.log.warn({ written }, 'archive sweep wrote conversations whose archive job was lost');
    });
  },
  { name: 'switchboard-archive', dependencies: ['switchboard-domain', 'switchboard-jobs'] },
);
