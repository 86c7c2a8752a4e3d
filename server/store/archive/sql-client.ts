/**
 * The little the archive asks of a PostgreSQL client, met by PGlite (in-process, WebAssembly) and
 * by node-postgres' Pool alike, so one SQL text serves both. bigint columns come back as numbers
 * (times in ms fit a double exactly).
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface SqlQuery {
  /** One statement with `$n` parameters. @returns its rows */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlQuery {
  transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;

/**
 * PGlite: in memory when `dataDir` is undefined, else in that directory (ARCHIVE_DIR), where it
 * outlives the process. One connection, which PGlite serialises. Started on first use: compiling
 * Postgres' WebAssembly takes one to several seconds of CPU, which a server that never reads or
 * writes its archive (a test, a short demo) should not pay at start.
 */
export function createPgliteClient(dataDir?: string): SqlClient {
  let started: Promise<PGlite> | undefined;
  const db = () => (started ??= PGlite.create(dataDir, { parsers: { [INT8]: (value: string) => Number(value) } }));
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): SqlQuery => ({
    query: async <T>(text: string, params: unknown[] = []) => (await q.query<T>(text, params)).rows,
    exec: async (sql) => {
      await q.exec(sql);
    },
  });
  return {
    query: async (text, params) => wrap(await db()).query(text, params),
    exec: async (sql) => wrap(await db()).exec(sql),
    transaction: async (work) => (await db()).transaction((tx) => work(wrap(tx))),
    close: async () => {
      if (started) await (await started).close();
    },
  };
}

export interface PgClientOptions {
  url: string;
  /** Tables live in this schema (tests and benchmarks use one each). @default public */
  schema?: string;
  /** @default 10 */
  max?: number;
}

/** node-postgres with a pool: the real server (DATABASE_URL). */
export function createPgClient({ url, schema, max = 10 }: PgClientOptions): SqlClient {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // An idle client's error (the server restarted) would otherwise crash the process; the next query reconnects.
  pool.on('error', () => {});
  let ended: Promise<void> | undefined;
  const on = (client: pg.Pool | pg.PoolClient): SqlQuery => ({
    query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
    exec: async (sql) => {
      await client.query(sql);
    },
  });
  return {
    ...on(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => (ended ??= pool.end()),
  };
}
