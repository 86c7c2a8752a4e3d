import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createSqlArchive } from '../../server/store/archive/sql-archive';
import { createPgClient, createPgliteClient } from '../../server/store/archive/sql-client';
import type { Archive } from '../../server/store/archive/archive';

/** The PostgreSQL the tests use: `DATABASE_URL`, or the machine's own (`.ci/run` starts one). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A schema name no other test shares. */
export function testSchema(): string {
  return `sb_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>, url = TEST_DATABASE_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const createSchema = (schema: string) => withClient((c) => c.query(`CREATE SCHEMA ${schema}`));
export const dropSchema = (schema: string) => withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

/** Fails loudly when PostgreSQL does not answer: archive tests never skip (CI=true or not). */
export async function assertPostgresReachable(url = TEST_DATABASE_URL): Promise<void> {
  try {
    await withClient((c) => c.query('SELECT 1'), url);
  } catch (error) {
    throw new Error(`PostgreSQL is required for this test and did not answer at ${url} (${String(error)}). Start it (.ci/run does) or set DATABASE_URL.`);
  }
}

/** An archive on the real PostgreSQL in a fresh schema; `cleanup` drops it. */
export async function postgresArchive(): Promise<{ archive: Archive; schema: string; cleanup(): Promise<void> }> {
  const schema = testSchema();
  await createSchema(schema);
  const archive = await createSqlArchive({ client: createPgClient({ url: TEST_DATABASE_URL, schema, max: 4 }) });
  return {
    archive,
    schema,
    // Closing twice is harmless: the app closes the archive it was given, then this drops the schema.
    async cleanup() {
      await archive.close().catch(() => {});
      await dropSchema(schema);
    },
  };
}

/** An archive on PGlite in memory. */
export async function pgliteArchive(): Promise<{ archive: Archive; cleanup(): Promise<void> }> {
  const archive = await createSqlArchive({ client: createPgliteClient() });
  return { archive, cleanup: () => archive.close() };
}

/** Every row of every table of a schema as JSON text, `<table> <row>`: what an erasure test scans. */
export function dumpSchema(schema: string): Promise<string[]> {
  return withClient(async (c) => {
    const tables = await c.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
    const rows: string[] = [];
    for (const { table_name: table } of tables.rows) {
      const result = await c.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${schema}."${table}" t`);
      rows.push(...result.rows.map((r) => `${table} ${r.row}`));
    }
    return rows;
  });
}
