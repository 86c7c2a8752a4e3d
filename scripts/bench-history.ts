/**
 * Prints how fast History searches the archive (issue 15's benchmark):
 *
 *   npm run bench:history [-- --backend postgres|pglite|both --n 1000000 --pglite-n 20000 --runs 25]
 *
 * Seeds N archived conversations of 10 messages each (about 8 words a message from a 2,000-word
 * vocabulary, skewed so a few words are in most conversations and most words in few; a rare marker
 * word in one conversation of 20,000; repeat visitors by email) straight in SQL (generate_series,
 * in batches of 50,000, indexes built after the load), then times the searches History makes
 * through the archive's own code (Archive.search, highlights included), p50 and p95 of `--runs`
 * runs each, different words or values per run:
 *
 *   rare word · common word · phrase · filters + q (queue, category, 30 days) · visitor email ·
 *   cursor page 2 of a common word · no q, newest page
 *
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), in a schema of its
 * own, dropped at the end (and on Ctrl-C). PGlite: in memory, with a smaller N. Stops by itself.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Archive, ArchiveSearch } from '../server/store/archive/archive';
import { readMigrations } from '../server/store/archive/migrate';
import { createSqlArchive } from '../server/store/archive/sql-archive';
import { createPgClient, createPgliteClient, type SqlClient } from '../server/store/archive/sql-client';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    n: { type: 'string', default: '1000000' },
    'pglite-n': { type: 'string', default: '20000' },
    runs: { type: 'string', default: '25' },
    // Leaves the PostgreSQL schema in place (its name is printed) to look at plans; drop it yourself.
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const BATCH = 50_000;
const SITE = 'bench';
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const VOCABULARY = 2_000;
/** One conversation in this many has the marker word `rareNNN` (NNN its group): 50 of them at least. */
const rareEvery = (n: number) => Math.max(10, Math.min(20_000, Math.floor(n / 50)));
/** Distinct sentences messages are drawn from (made once, so the load is joins, not random draws). */
const SENTENCES = 20_000;

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** The vocabulary: real words first (the common ones), then made-up ones. */
function vocabularySql(): string {
  const common = ['order', 'refund', 'delivery', 'account', 'password', 'invoice', 'payment', 'number', 'parcel', 'login', 'error', 'update', 'price', 'return', 'card', 'email', 'shipping', 'crash', 'install', 'subscription'];
  const words = [...common, ...Array.from({ length: VOCABULARY - common.length }, (_, i) => `w${i.toString(36)}x`)];
  return `ARRAY[${words.map((w) => `'${w}'`).join(',')}]`;
}

/**
 * The sentences, 8 words each, with their search vectors made once: a conversation's vector is the
 * concatenation of its sentences' (tsvector `||`, positions shifted, as to_tsvector of the whole
 * text gives), so a million conversations cost 20,000 stemmings, not 80 million.
 * power(random(), 4) skews toward the first words: 'order' is in most conversations, w1kx in few.
 */
function sentencesSql(): string {
  return `CREATE TABLE bench_sentences AS
    SELECT i, t.text, to_tsvector('english', t.text) AS vec
    FROM generate_series(0, ${SENTENCES - 1}) i
    CROSS JOIN LATERAL (SELECT string_agg((${vocabularySql()})[1 + floor(power(random(), 4) * ${VOCABULARY})::int], ' ') AS text FROM generate_series(1, 8) w WHERE w > 0 * i) t;
    ALTER TABLE bench_sentences ADD PRIMARY KEY (i);
    CREATE AGGREGATE bench_tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')`;
}

/** One batch of conversations `from`..`to` and their 10 messages each, both straight from the sentences. */
function seedBatchSql(from: number, to: number, n: number): string[] {
  const rare = rareEvery(n);
  const visitors = Math.max(1, Math.floor(n / 3));
  const step = Math.floor((365 * DAY) / n);
  const at = (g: string, s: string) => `(${T0} + ${g}::bigint * ${step} + ${s} * 1000)`;
  // The rare marker opens the third message of one conversation in `rare`.
  const rareText = (g: string, s: string) => `CASE WHEN ${s} = 2 AND ${g} % ${rare} = 0 THEN 'the rare' || (${g} / ${rare}) || ' sticker ' ELSE '' END`;
  const sentenceOf = (g: string, s: string) => `((${g}::bigint * 10 + ${s}) * 7919) % ${SENTENCES}`;
  return [
    `INSERT INTO archived_messages (site_key, conversation_id, seq, id, kind, author, text, created_at, data)
     SELECT '${SITE}', 'c' || g, s, ${at('g', 's')} || '-0', 'message', CASE WHEN s % 2 = 0 THEN 'visitor' ELSE 'agent' END,
            ${rareText('g', 's')} || b.text, ${at('g', 's')},
            jsonb_build_object('id', ${at('g', 's')} || '-0', 'conversationId', 'c' || g, 'author', CASE WHEN s % 2 = 0 THEN 'visitor' ELSE 'agent' END, 'text', ${rareText('g', 's')} || b.text, 'createdAt', ${at('g', 's')})
     FROM generate_series(${from}, ${to}) g CROSS JOIN generate_series(0, 9) s
     JOIN bench_sentences b ON b.i = ${sentenceOf('g', 's')}`,
    `INSERT INTO archived_conversations (site_key, id, visitor_id, status, queue, category, agent_id, agent_name, visitor_name,
       visitor_email, preview, created_at, ended_at, message_count, search_config, search, record, attachments, version, archived_at)
     SELECT '${SITE}', 'c' || g, 'v' || (g % ${visitors}),
       CASE WHEN g % 10 = 0 THEN 'abandoned' ELSE 'resolved' END,
       CASE WHEN g % 3 = 0 THEN 'support' ELSE 'service' END,
       (ARRAY['Billing','Delivery','Returns','Bug','Setup','Other'])[1 + (g / 7) % 6],
       'a' || (g % 40), 'Agent ' || (g % 40), 'Visitor ' || (g % ${visitors}), 'visitor' || (g % ${visitors}) || '@example.com',
       left(min(b.text) FILTER (WHERE s = 0), 120), ${at('g', '0')}, ${at('g', '9')} + 60000, 10, 'english'::regconfig,
       setweight(to_tsvector('english', 'Visitor ' || (g % ${visitors}) || ' visitor' || (g % ${visitors}) || '@example.com'), 'A')
         || bench_tsvector_agg(CASE WHEN s = 2 AND g % ${rare} = 0 THEN to_tsvector('english', ${rareText('g', 's')}) || b.vec ELSE b.vec END ORDER BY s),
       jsonb_build_object('id', 'c' || g, 'siteKey', '${SITE}'), '[]'::jsonb, 'bench', 0
     FROM generate_series(${from}, ${to}) g CROSS JOIN generate_series(0, 9) s
     JOIN bench_sentences b ON b.i = ${sentenceOf('g', 's')}
     GROUP BY g`,
  ];
}

/** The migration's CREATE INDEX statements: dropped for the load, built after it (much faster). */
function indexStatements(): { name: string; sql: string }[] {
  const sql = readMigrations().map((m) => m.sql).join('\n');
  return [...sql.matchAll(/CREATE INDEX (\w+) ON [^;]+;/g)].map((m) => ({ name: m[1]!, sql: m[0] }));
}

async function seed(client: SqlClient, n: number): Promise<void> {
  const started = performance.now();
  for (const index of indexStatements()) await client.exec(`DROP INDEX ${index.name}`);
  // Unlogged while loading: the figures are about reading, and the schema is dropped at the end anyway.
  await client.exec('ALTER TABLE archived_messages SET UNLOGGED; ALTER TABLE archived_conversations SET UNLOGGED');
  await client.exec(sentencesSql());
  for (let from = 1; from <= n; from += BATCH) {
    const to = Math.min(n, from + BATCH - 1);
    // Messages go in before their conversation: the foreign key's trigger is off for the load (the
    // data is consistent by construction).
    await client.transaction(async (tx) => {
      await tx.exec('SET LOCAL session_replication_role = replica');
      for (const statement of seedBatchSql(from, to, n)) await tx.exec(statement);
    });
    process.stdout.write(`\r  seeded ${to.toLocaleString('en')} / ${n.toLocaleString('en')} conversations (${elapsed(started)})`);
  }
  process.stdout.write('\n');
  await client.exec('DROP TABLE bench_sentences; DROP AGGREGATE bench_tsvector_agg(tsvector)');
  const indexing = performance.now();
  for (const index of indexStatements()) await client.exec(index.sql);
  // VACUUM as autovacuum would after such a load: sets the pages' visibility hints, which the first
  // reads would otherwise write, and the statistics the planner chooses by.
  for (const table of ['archived_conversations', 'archived_messages']) await client.exec(`VACUUM ANALYZE ${table}`);
  console.log(`  indexes built and analysed in ${elapsed(indexing)}; seeding took ${elapsed(started)} in all`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timeQueries(archive: Archive, n: number): Promise<{ name: string; p50: number; p95: number; hits: number }[]> {
  const rareGroups = Math.max(1, Math.floor(n / rareEvery(n)));
  const visitors = Math.max(1, Math.floor(n / 3));
  const base = { siteKey: SITE, limit: 25 };
  const page1 = await archive.search({ ...base, q: 'order' });
  const queries: { name: string; make: (i: number) => ArchiveSearch }[] = [
    { name: 'rare word', make: (i) => ({ ...base, q: `rare${1 + (i % rareGroups)}` }) },
    { name: 'common word', make: (i) => ({ ...base, q: ['order', 'refund', 'delivery', 'account', 'payment'][i % 5]! }) },
    { name: 'phrase', make: (i) => ({ ...base, q: ['"order number"', '"refund payment"', '"delivery parcel"'][i % 3]! }) },
    {
      name: 'filters + q (queue, category, 30 days)',
      make: (i) => ({ ...base, q: ['refund', 'login', 'invoice'][i % 3]!, queue: 'service', category: 'Billing', from: T0 + (i % 10) * 30 * DAY, to: T0 + ((i % 10) + 1) * 30 * DAY }),
    },
    { name: 'visitor email', make: (i) => ({ ...base, email: `visitor${(i * 7919) % visitors}@example.com` }) },
    { name: 'cursor page 2 (common word)', make: () => ({ ...base, q: 'order', ...(page1.after ? { after: page1.after } : {}) }) },
    { name: 'no q, newest first', make: () => ({ ...base }) },
  ];
  const results = [];
  for (const query of queries) {
    await archive.search(query.make(RUNS)); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      const page = await archive.search(query.make(i));
      times.push(performance.now() - started);
      hits += page.hits.length;
    }
    times.sort((a, b) => a - b);
    results.push({ name: query.name, p50: percentile(times, 50), p95: percentile(times, 95), hits: Math.round(hits / RUNS) });
  }
  return results;
}

function printTable(title: string, rows: { name: string; p50: number; p95: number; hits: number }[]) {
  console.log(`\n${title}`);
  console.log('| query | p50 ms | p95 ms | hits/page |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.hits} |`);
}

async function onPostgres(n: number) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const schema = `sb_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const drop = async () => {
    if (values.keep) console.log(`kept schema ${schema}: DROP SCHEMA ${schema} CASCADE when done`);
    else await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  };
  // Stopped early (Ctrl-C, a timeout's SIGTERM): the schema goes all the same, and the query running for us with it.
  const onSignal = () => void drop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log(`PostgreSQL (${url.replace(/\/\/[^@]*@/, '//…@')}, schema ${schema}): ${n.toLocaleString('en')} conversations × 10 messages`);
    const client = createPgClient({ url, schema, max: 2 });
    const archive = await createSqlArchive({ client });
    await seed(client, n);
    printTable(`PostgreSQL, ${n.toLocaleString('en')} conversations`, await timeQueries(archive, n));
    await archive.close();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await drop();
  }
}

async function onPglite(n: number) {
  console.log(`\nPGlite (in memory, in this process): ${n.toLocaleString('en')} conversations × 10 messages`);
  const client = createPgliteClient();
  const archive = await createSqlArchive({ client });
  await seed(client, n);
  printTable(`PGlite, ${n.toLocaleString('en')} conversations`, await timeQueries(archive, n));
  await archive.close();
}

const backend = values.backend;
if (backend === 'postgres' || backend === 'both') await onPostgres(Number(values.n));
if (backend === 'pglite' || backend === 'both') await onPglite(Number(values['pglite-n']));
