/**
 * The figures service and support are judged by (DESIGN.md, "KPIs"), computed from the hourly and
 * daily aggregates that kpi-events.ts keeps, never from messages or raw events: a 30-day report
 * reads 30 day buckets and at most 46 hour buckets at its edges.
 */
import { createError } from '../../shared/errors';
import type { AgentId, SiteKey } from '../../shared/ids';
import { QUEUES, type QueueName } from '../../shared/queues';
import { METRICS_GROUPS, type DurationFigures, type KpiFigures, type MetricsGroup, type MetricsReport, type QueueNow } from '../../shared/schemas';
import type { KpiBucket, KpiScope, KpiUnit, Store } from '../store/store';
import { bucketUpperMs, histogramQuantile } from './kpi-histogram';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The longest range a report may cover: a year, leap day included. */
export const MAX_RANGE_MS = 366 * DAY_MS;

/** Metric name → sum, for one dimension. */
export type MetricSums = Record<string, number>;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function duration(sums: MetricSums, name: string): DurationFigures {
  const count = sums[`${name}.n`] ?? 0;
  const histogram = new Map<number, number>();
  const prefix = `${name}.h`;
  for (const [metric, value] of Object.entries(sums)) {
    if (metric.startsWith(prefix) && value > 0) histogram.set(Number(metric.slice(prefix.length)), value);
  }
  return {
    count,
    median: histogramQuantile(histogram, 0.5),
    p90: histogramQuantile(histogram, 0.9),
    mean: count > 0 ? (sums[`${name}.sum`] ?? 0) / count : null,
  };
}

function scale(sums: MetricSums, kind: string, from: number, to: number) {
  let count = 0;
  let total = 0;
  const byValue = new Map<number, number>();
  for (let v = from; v <= to; v++) {
    const n = sums[`${kind}:${v}`] ?? 0;
    count += n;
    total += n * v;
    byValue.set(v, n);
  }
  return { count, mean: count > 0 ? total / count : null, byValue };
}

/**
 * Every figure of one dimension, pure. `perAgent`: the sums are an agent's, whose conversations
 * are those assigned to them (they create none and abandon none).
 */
export function figuresOf(sums: MetricSums, perAgent: boolean): KpiFigures {
  const get = (metric: string) => sums[metric] ?? 0;
  const conversations = perAgent ? get('assigned') : get('created');
  const csat = scale(sums, 'csat', 1, 5);
  const ces = scale(sums, 'ces', 1, 7);
  const nps = scale(sums, 'nps', 0, 10);
  const promoters = (nps.byValue.get(9) ?? 0) + (nps.byValue.get(10) ?? 0);
  const detractors = [0, 1, 2, 3, 4, 5, 6].reduce((n, v) => n + (nps.byValue.get(v) ?? 0), 0);
  const serviceToSupport = get('xfer:service>support');
  const supportToService = get('xfer:support>service');
  const frtHistogram = Object.entries(sums)
    .filter(([metric, value]) => metric.startsWith('frt.h') && value > 0)
    .map(([metric, count]) => ({ upToMs: bucketUpperMs(Number(metric.slice(5))), count }))
    .sort((a, b) => a.upToMs - b.upToMs);
  return {
    conversations,
    assigned: get('assigned'),
    resolved: get('resolved'),
    resolutionRate: ratio(get('resolved'), conversations),
    reopened: get('reopened'),
    reopenRate: ratio(get('reopened'), get('resolved')),
    abandoned: get('abandoned'),
    abandonmentRate: perAgent ? null : ratio(get('abandoned'), conversations),
    transfers: { serviceToSupport, supportToService },
    transferRate: {
      serviceToSupport: ratio(serviceToSupport, get('assigned:service')),
      supportToService: ratio(supportToService, get('assigned:support')),
    },
    waitMs: duration(sums, 'wait'),
    frtMs: duration(sums, 'frt'),
    ahtMs: duration(sums, 'aht'),
    csat: { count: csat.count, mean: csat.mean, satisfiedShare: ratio((csat.byValue.get(4) ?? 0) + (csat.byValue.get(5) ?? 0), csat.count) },
    ces: { count: ces.count, mean: ces.mean },
    nps: { count: nps.count, score: nps.count > 0 ? (100 * (promoters - detractors)) / nps.count : null },
    repeatContacts: get('repeat'),
    repeatContactRate: perAgent ? null : ratio(get('repeat'), conversations),
    misrouted: get('misrouted'),
    routerAccuracy: perAgent ? null : ratio(conversations - get('misrouted'), conversations),
    frtHistogram,
  };
}

/** Adds the fields of `dimension` (`*`, `q:service`, `a:<id>` …) in these buckets into `into`. */
export function addDimension(into: MetricSums, fields: Record<string, number>, dimension: string): MetricSums {
  const prefix = `${dimension}|`;
  for (const field in fields) {
    if (field.startsWith(prefix)) {
      const metric = field.slice(prefix.length);
      into[metric] = (into[metric] ?? 0) + fields[field]!;
    }
  }
  return into;
}

/** The start of the category dimensions for a filter: `c:`, `qc:<queue>:`, `ac:<agent>:`, `qac:<queue>:<agent>:` (see kpi-events.ts). */
function dimensionPrefix(queue: QueueName | undefined, agent: AgentId | undefined): string {
  if (agent) return queue ? `qac:${queue}:${agent}:` : `ac:${agent}:`;
  return queue ? `qc:${queue}:` : 'c:';
}

/** Reads a time as epoch milliseconds (digits) or ISO 8601; NaN when it is neither. */
export function parseTime(text: string): number {
  if (/^[0-9]+$/.test(text)) return Number(text);
  return Date.parse(text);
}

export interface MetricsQueryInput {
  siteKey: SiteKey;
  from: number;
  to: number;
  queue?: QueueName;
  agent?: AgentId;
  category?: string;
  groupBy?: string;
}

/** Checks a report's range and group, before anything is read. */
export function checkMetricsQuery(input: { from: number; to: number; groupBy?: string | undefined }): MetricsGroup | undefined {
  if (!Number.isFinite(input.from) || !Number.isFinite(input.to) || input.from >= input.to) {
    throw createError('METRICS_RANGE_INVALID', { from: input.from, to: input.to });
  }
  if (input.to - input.from > MAX_RANGE_MS) throw createError('METRICS_RANGE_TOO_LONG', { maxDays: MAX_RANGE_MS / DAY_MS });
  if (input.groupBy === undefined) return undefined;
  if (!(METRICS_GROUPS as readonly string[]).includes(input.groupBy)) throw createError('METRICS_GROUP_UNKNOWN', { groupBy: input.groupBy, allowed: METRICS_GROUPS });
  return input.groupBy as MetricsGroup;
}

/**
 * Every event is recorded at the time it happens, so an hour or a day that ended a while ago never
 * changes again: its aggregates are kept in memory once read, and a report over a month reads from
 * Redis only the buckets still open (or not read yet).
 */
export const CLOSED_BUCKET_MARGIN_MS = 5 * 60_000;
/** Fields kept at most by the cache of closed buckets (about 40 MB); the oldest-read buckets go first. */
export const CLOSED_BUCKET_CACHE_FIELDS = 500_000;

type BucketReader = Pick<Store, 'readKpiBuckets' | 'sumKpiBuckets'>;

/** A Store's readKpiBuckets with closed buckets served from memory (see CLOSED_BUCKET_MARGIN_MS). */
export function createBucketCache(store: Store, now: () => number): BucketReader {
  const cache = new Map<string, KpiBucket | null>();
  let fields = 0;
  const keep = (key: string, bucket: KpiBucket | null) => {
    cache.delete(key);
    cache.set(key, bucket);
    fields += bucket ? Object.keys(bucket.fields).length : 0;
    for (const [oldKey, old] of cache) {
      if (fields <= CLOSED_BUCKET_CACHE_FIELDS) break;
      cache.delete(oldKey);
      fields -= old ? Object.keys(old.fields).length : 0;
    }
  };
  return {
    /** Sums made in Redis; a sum over closed buckets only is kept like a closed bucket. */
    async sumKpiBuckets(siteKey, scope, unit, from, to, prefix) {
      const size = unit === 'hour' ? HOUR_MS : DAY_MS;
      const closed = to * size <= now() - CLOSED_BUCKET_MARGIN_MS;
      const key = `sum\n${siteKey}\n${scope}\n${unit}\n${from}\n${to}\n${prefix}`;
      const cached = closed ? cache.get(key) : undefined;
      if (cached) return cached.fields;
      const sums = await store.sumKpiBuckets(siteKey, scope, unit, from, to, prefix);
      if (closed) keep(key, { index: from, fields: sums });
      return sums;
    },

    async readKpiBuckets(siteKey, scope, unit, from, to) {
      const size = unit === 'hour' ? HOUR_MS : DAY_MS;
      const closedBefore = Math.floor((now() - CLOSED_BUCKET_MARGIN_MS) / size); // indexes below this are closed
      const keyOf = (index: number) => `${siteKey}\n${scope}\n${unit}\n${index}`;
      const result: KpiBucket[] = [];
      const runs: [number, number][] = [];
      for (let index = from; index < to; index++) {
        const cached = index < closedBefore ? cache.get(keyOf(index)) : undefined;
        if (cached !== undefined) {
          if (cached) result.push(cached);
          continue;
        }
        const last = runs.at(-1);
        if (last && last[1] === index) last[1] = index + 1;
        else runs.push([index, index + 1]);
      }
      const read = await Promise.all(runs.map(([a, b]) => store.readKpiBuckets(siteKey, scope, unit, a, b)));
      runs.forEach(([a, b], i) => {
        const found = new Map(read[i]!.map((bucket) => [bucket.index, bucket]));
        for (let index = a; index < b; index++) {
          const bucket = found.get(index) ?? null;
          if (bucket) result.push(bucket);
          if (index < closedBefore) keep(keyOf(index), bucket);
        }
      });
      return result.sort((x, y) => x.index - y.index);
    },
  };
}

/**
 * [from, to) rounded out to whole hours, as bucket ranges: whole UTC days as days, the hours at
 * either end as hours (only hours when `hourly`).
 */
export function rangeParts(from: number, to: number, hourly: boolean): { unit: KpiUnit; from: number; to: number }[] {
  const firstHour = Math.floor(from / HOUR_MS);
  const endHour = Math.ceil(to / HOUR_MS);
  const firstDay = Math.ceil(firstHour / 24);
  const endDay = Math.floor(endHour / 24);
  if (hourly || endDay <= firstDay) return [{ unit: 'hour', from: firstHour, to: endHour }];
  return [
    { unit: 'hour', from: firstHour, to: firstDay * 24 },
    { unit: 'day', from: firstDay, to: endDay },
    { unit: 'hour', from: endDay * 24, to: endHour },
  ].filter((part) => part.to > part.from) as { unit: KpiUnit; from: number; to: number }[];
}

/** The non-empty buckets of [from, to), each with its start time. */
async function readRange(store: BucketReader, siteKey: SiteKey, scope: KpiScope, from: number, to: number, hourly: boolean) {
  const parts = rangeParts(from, to, hourly);
  const read = await Promise.all(parts.map((p) => store.readKpiBuckets(siteKey, scope, p.unit, p.from, p.to)));
  return parts.flatMap((p, i) => read[i]!.map((b) => ({ ...b, start: b.index * (p.unit === 'hour' ? HOUR_MS : DAY_MS) })));
}

export type Kpis = ReturnType<typeof createKpis>;

export function createKpis({ store, now = Date.now }: { store: Store; now?: () => number }) {
  const buckets = createBucketCache(store, now);
  /** Who waits now in each queue, and for how long the first in line has. */
  const queuesNow = async (siteKey: SiteKey, at: number): Promise<QueueNow[]> =>
    Promise.all(
      QUEUES.map(async (queue) => {
        const { count, entries } = await store.listQueue(siteKey, queue, 1);
        const head = entries[0];
        return { queue, waiting: count, longestWaitMs: head ? Math.max(0, at - head.queuedAt) : 0 };
      }),
    );

  return {
    queuesNow,

    /** The report of the REST API, the console and the wallboard feed. */
    async report(input: MetricsQueryInput): Promise<MetricsReport> {
      const groupBy = checkMetricsQuery(input);
      const at = now();
      const perAgent = input.agent !== undefined || groupBy === 'agent';
      const byCategory = input.category !== undefined || groupBy === 'category';
      const scope: KpiScope = byCategory ? 'category' : !perAgent ? 'site' : input.queue ? 'agentQueue' : 'agent';
      // Per agent, the sums are made in Redis (sumKpiBuckets): a month of many agents' histograms is
      // too many fields to carry back; the other reports read buckets (closed ones from memory).
      const read = groupBy === 'agent' ? [] : await readRange(buckets, input.siteKey, scope, input.from, input.to, groupBy === 'hour');
      const dimension = (queue: QueueName | undefined, agent: AgentId | undefined, category = input.category) => {
        if (category !== undefined) return `${dimensionPrefix(queue, agent)}${category}`;
        return agent ? (queue ? `qa:${queue}:${agent}` : `a:${agent}`) : queue ? `q:${queue}` : '*';
      };
      const filter = dimension(input.queue, input.agent);

      const totals: MetricSums = {};
      const groups: MetricsReport['groups'] = [];
      if (groupBy === 'agent') {
        const byAgent = new Map<AgentId, MetricSums>();
        const prefix = byCategory ? (input.queue ? `qac:${input.queue}:` : 'ac:') : input.queue ? `qa:${input.queue}:` : 'a:';
        const parts = rangeParts(input.from, input.to, false);
        const summed = await Promise.all(parts.map((p) => buckets.sumKpiBuckets(input.siteKey, scope, p.unit, p.from, p.to, input.agent ? `${prefix}${input.agent}${byCategory ? ':' : '|'}` : prefix)));
        for (const fields of summed) {
          for (const field in fields) {
            if (!field.startsWith(prefix)) continue;
            const bar = field.indexOf('|');
            // `<agent>|metric`, or `<agent>:<category>|metric` in the category scope (ids and categories have no `:` or `|`).
            const key = field.slice(prefix.length, bar);
            const colon = byCategory ? key.indexOf(':') : -1;
            const agent = colon >= 0 ? key.slice(0, colon) : key;
            if (byCategory && key.slice(colon + 1) !== input.category) continue;
            if (input.agent && agent !== input.agent) continue;
            let sums = byAgent.get(agent);
            if (!sums) byAgent.set(agent, (sums = {}));
            const metric = field.slice(bar + 1);
            sums[metric] = (sums[metric] ?? 0) + fields[field]!;
            totals[metric] = (totals[metric] ?? 0) + fields[field]!;
          }
        }
        const ids = [...byAgent.keys()].sort();
        const records = await Promise.all(ids.map((id) => store.getAgent(input.siteKey, id)));
        ids.forEach((id, i) => groups.push({ key: id, label: records[i]?.name ?? id, figures: figuresOf(byAgent.get(id)!, true) }));
      } else if (groupBy === 'category') {
        const prefix = dimensionPrefix(input.queue, input.agent);
        const byCategory = new Map<string, MetricSums>();
        for (const { fields } of read) {
          for (const field in fields) {
            if (!field.startsWith(prefix)) continue;
            const bar = field.indexOf('|');
            const category = field.slice(prefix.length, bar);
            if (input.category !== undefined && category !== input.category) continue;
            let sums = byCategory.get(category);
            if (!sums) byCategory.set(category, (sums = {}));
            const metric = field.slice(bar + 1);
            sums[metric] = (sums[metric] ?? 0) + fields[field]!;
            totals[metric] = (totals[metric] ?? 0) + fields[field]!;
          }
        }
        const figures = [...byCategory].map(([category, sums]) => ({ key: category, label: category, figures: figuresOf(sums, perAgent) }));
        // The busiest first: what a team lead reads down the table for.
        figures.sort((a, b) => b.figures.conversations - a.figures.conversations || (a.key < b.key ? -1 : 1));
        groups.push(...figures);
      } else {
        for (const { fields } of read) addDimension(totals, fields, filter);
        if (groupBy === 'queue') {
          for (const queue of input.queue ? [input.queue] : QUEUES) {
            const sums: MetricSums = {};
            for (const { fields } of read) addDimension(sums, fields, dimension(queue, input.agent));
            groups.push({ key: queue, label: queue, figures: figuresOf(sums, perAgent) });
          }
        } else if (groupBy === 'hour' || groupBy === 'day') {
          const size = groupBy === 'hour' ? HOUR_MS : DAY_MS;
          const byStart = new Map<number, MetricSums>();
          for (const { fields, start } of read) {
            const key = Math.floor(start / size) * size;
            addDimension(byStart.get(key) ?? byStart.set(key, {}).get(key)!, fields, filter);
          }
          // Every hour or day of the range gets a row, empty ones too, so charts have no gaps.
          for (let start = Math.floor(input.from / size) * size; start < input.to; start += size) {
            groups.push({ key: String(start), label: new Date(start).toISOString(), figures: figuresOf(byStart.get(start) ?? {}, perAgent) });
          }
        }
      }
      return {
        site: input.siteKey,
        from: input.from,
        to: input.to,
        queue: input.queue ?? null,
        agent: input.agent ?? null,
        category: input.category ?? null,
        groupBy: groupBy ?? null,
        now: { at, queues: await queuesNow(input.siteKey, at) },
        totals: figuresOf(totals, perAgent),
        groups,
      };
    },
  };
}
