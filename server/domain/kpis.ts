/**
 * The figures service and support are judged by (DESIGN.md, "KPIs"), computed from the hourly,
 * daily and weekly aggregates that kpi-events.ts keeps, never from messages or raw events: a 30-day
 * report reads four or five week buckets, the days beside them and at most 46 hour buckets at its edges.
 */
import { createError } from '../../shared/errors';
import type { AgentId, SiteKey } from '../../shared/ids';
import { QUEUES, type QueueName } from '../../shared/queues';
import { METRICS_GROUPS, type DurationFigures, type KpiFigures, type MetricsGroup, type MetricsReport, type QueueNow } from '../../shared/schemas';
import { kpiBucketIndex, kpiBucketStart, type KpiBucket, type KpiScope, type KpiUnit, type Store } from '../store/store';
import { bucketUpperMs, histogramQuantile } from './kpi-histogram';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The longest range a report may cover: a year, leap day included. */
export const MAX_RANGE_MS = 366 * DAY_MS;

/** Metric name → sum, for one dimension. */
export type MetricSums = Record<string, number>;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** The histograms of the durations in one pass over the sums: `wait.h12` → histograms.wait bucket 12. */
function histogramsOf(sums: MetricSums): Record<string, Map<number, number>> {
  const histograms: Record<string, Map<number, number>> = { wait: new Map(), frt: new Map(), aht: new Map() };
  for (const metric in sums) {
    const at = metric.indexOf('.h');
    if (at < 0 || sums[metric]! <= 0) continue;
    histograms[metric.slice(0, at)]?.set(Number(metric.slice(at + 2)), sums[metric]!);
  }
  return histograms;
}

function duration(sums: MetricSums, name: string, histogram: Map<number, number>): DurationFigures {
  const count = sums[`${name}.n`] ?? 0;
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
  const histograms = histogramsOf(sums);
  const frtHistogram = [...histograms.frt!]
    .map(([bucket, count]) => ({ upToMs: bucketUpperMs(bucket), count }))
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
    waitMs: duration(sums, 'wait', histograms.wait!),
    frtMs: duration(sums, 'frt', histograms.frt!),
    ahtMs: duration(sums, 'aht', histograms.aht!),
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

/** Each fields object's sums by dimension (`*`, `q:service` …): split once, kept as long as the fields are (cached buckets are). */
const splitFields = new WeakMap<Record<string, number>, Map<string, MetricSums>>();

function byDimension(fields: Record<string, number>): Map<string, MetricSums> {
  let split = splitFields.get(fields);
  if (split) return split;
  split = new Map();
  for (const field in fields) {
    const bar = field.indexOf('|');
    const dimension = field.slice(0, bar);
    let sums = split.get(dimension);
    if (!sums) split.set(dimension, (sums = {}));
    sums[field.slice(bar + 1)] = fields[field]!;
  }
  splitFields.set(fields, split);
  return split;
}

/** Adds the fields of `dimension` (`*`, `q:service`, `a:<id>` …) in these buckets into `into`. */
export function addDimension(into: MetricSums, fields: Record<string, number>, dimension: string): MetricSums {
  const sums = byDimension(fields).get(dimension);
  if (sums) for (const metric in sums) into[metric] = (into[metric] ?? 0) + sums[metric]!;
  return into;
}

/** The start of the category dimensions for a filter: `c:`, `qc:<queue>:`, `ac:<agent>:`, `qac:<queue>:<agent>:` (see kpi-events.ts). */
function dimensionPrefix(queue: QueueName | undefined, agent: AgentId | undefined): string {
  if (agent) return queue ? `qac:${queue}:${agent}:` : `ac:${agent}:`;
  return queue ? `qc:${queue}:` : 'c:';
}

/** What the fields a report sums start with: narrowed where a filter allows, the grouping then filters exactly. */
function sumPrefixOf(report: {
  groupBy: MetricsGroup | undefined;
  queue: QueueName | undefined;
  agent: AgentId | undefined;
  category: string | undefined;
  /** What each agent's fields start with, in the report's scope. */
  agentPrefix: string;
  /** The dimension of the report's filters. */
  filter: string;
}): string {
  const { groupBy, queue, agent, category } = report;
  const byCategory = category !== undefined || groupBy === 'category';
  const perAgent = agent !== undefined || groupBy === 'agent';
  if (groupBy === 'agent') {
    if (agent === undefined) return report.agentPrefix;
    return category !== undefined ? `${report.agentPrefix}${agent}:${category}|` : `${report.agentPrefix}${agent}|`;
  }
  if (groupBy === 'category') return dimensionPrefix(queue, agent);
  if (groupBy === 'queue' && queue === undefined) {
    if (byCategory) return perAgent ? 'qac:' : 'qc:';
    return perAgent ? 'qa:' : 'q:';
  }
  return `${report.filter}|`;
}

/** The scope whose aggregates hold a report's dimensions (see KpiScope): only the fields it sums are read. */
function scopeOf(perAgent: boolean, perQueue: boolean, byCategory: boolean): KpiScope {
  if (byCategory) return perAgent ? (perQueue ? 'agentQueueCategory' : 'agentCategory') : perQueue ? 'queueCategory' : 'category';
  return perAgent ? (perQueue ? 'agentQueue' : 'agent') : 'site';
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
 * Every event is recorded at the time it happens, so an hour, a day or a week that ended a while ago never
 * changes again: its aggregates are kept in memory once read, and a report over a month reads from
 * Redis only the buckets still open (or not read yet).
 */
export const CLOSED_BUCKET_MARGIN_MS = 5 * 60_000;
/** Fields kept at most by the cache of closed buckets (about 40 MB); the oldest-read buckets go first. */
export const CLOSED_BUCKET_CACHE_FIELDS = 500_000;

type BucketReader = Pick<Store, 'readKpiBuckets' | 'sumKpiBuckets'>;

/** A Store's bucket reads with closed buckets served from memory (see CLOSED_BUCKET_MARGIN_MS), and reads asked for at once shared. */
export function createBucketCache(store: Store, now: () => number): BucketReader {
  const cache = new Map<string, KpiBucket | null>();
  /** Buckets being read from Redis now: reports that ask for them at once (the dashboard's five) share one read. */
  const reading = new Map<string, Promise<KpiBucket | null>>();
  /** Sums being made in Redis now, shared the same way (every wallboard feed of a site asks for today's at once). */
  const summing = new Map<string, Promise<Record<string, number>>>();
  let fields = 0;
  // An empty bucket counts as one field, so a year of empty hours cannot grow the cache unbounded.
  const sizeOf = (bucket: KpiBucket | null | undefined) => (bucket === undefined ? 0 : bucket ? Math.max(1, Object.keys(bucket.fields).length) : 1);
  /** A cached bucket, now the most recently used. */
  const recall = (key: string) => {
    const bucket = cache.get(key);
    if (bucket !== undefined) {
      cache.delete(key);
      cache.set(key, bucket);
    }
    return bucket;
  };
  const keep = (key: string, bucket: KpiBucket | null) => {
    // Two reports may keep the same sum: the one kept before is replaced, not counted twice.
    fields -= sizeOf(cache.get(key));
    cache.delete(key);
    cache.set(key, bucket);
    fields += sizeOf(bucket);
    for (const [oldKey, old] of cache) {
      if (fields <= CLOSED_BUCKET_CACHE_FIELDS) break;
      cache.delete(oldKey);
      fields -= sizeOf(old);
    }
  };
  const sum = (siteKey: SiteKey, scope: KpiScope, unit: KpiUnit, from: number, to: number, prefix: string) => {
    const key = `${siteKey}\n${scope}\n${unit}\n${from}\n${to}\n${prefix}`;
    let pending = summing.get(key);
    if (!pending) {
      pending = store.sumKpiBuckets(siteKey, scope, unit, from, to, prefix).finally(() => summing.delete(key));
      summing.set(key, pending);
    }
    return pending;
  };
  return {
    /** Sums made in Redis: the sum of the closed buckets is kept like a closed bucket, the open ones are summed afresh. */
    async sumKpiBuckets(siteKey, scope, unit, from, to, prefix) {
      const closedBefore = Math.max(from, Math.min(to, kpiBucketIndex(unit, now() - CLOSED_BUCKET_MARGIN_MS)));
      const closedSum = async (): Promise<Record<string, number>> => {
        if (closedBefore === from) return {};
        const key = `sum\n${siteKey}\n${scope}\n${unit}\n${from}\n${closedBefore}\n${prefix}`;
        const cached = recall(key);
        if (cached) return cached.fields;
        const sums = await sum(siteKey, scope, unit, from, closedBefore, prefix);
        keep(key, { index: from, fields: sums });
        return sums;
      };
      const [closed, open] = await Promise.all([closedSum(), closedBefore < to ? sum(siteKey, scope, unit, closedBefore, to, prefix) : ({} as Record<string, number>)]);
      if (Object.keys(open).length === 0) return closed;
      const sums = { ...closed };
      for (const field in open) sums[field] = (sums[field] ?? 0) + open[field]!;
      return sums;
    },

    async readKpiBuckets(siteKey, scope, unit, from, to) {
      const closedBefore = kpiBucketIndex(unit, now() - CLOSED_BUCKET_MARGIN_MS); // indexes below this are closed
      const keyOf = (index: number) => `${siteKey}\n${scope}\n${unit}\n${index}`;
      const slots: (KpiBucket | null | Promise<KpiBucket | null>)[] = [];
      const runs: [number, number][] = [];
      for (let index = from; index < to; index++) {
        const key = keyOf(index);
        const cached = index < closedBefore ? recall(key) : undefined;
        const known = cached !== undefined ? cached : reading.get(key);
        if (known !== undefined) {
          slots.push(known);
          continue;
        }
        slots.push(null); // filled in below, once its run is asked for
        const last = runs.at(-1);
        if (last && last[1] === index) last[1] = index + 1;
        else runs.push([index, index + 1]);
      }
      for (const [a, b] of runs) {
        const read = store.readKpiBuckets(siteKey, scope, unit, a, b).then((buckets) => new Map(buckets.map((bucket) => [bucket.index, bucket])));
        for (let index = a; index < b; index++) {
          const key = keyOf(index);
          const bucket = read.then((found) => found.get(index) ?? null);
          reading.set(key, bucket);
          slots[index - from] = bucket;
          void bucket.then(
            (value) => {
              reading.delete(key);
              if (index < closedBefore) keep(key, value);
            },
            () => reading.delete(key),
          );
        }
      }
      return (await Promise.all(slots)).filter((bucket): bucket is KpiBucket => bucket !== null);
    },
  };
}

/**
 * [from, to) rounded out to whole hours, as bucket ranges of units up to `largest`: the whole UTC
 * weeks inside as weeks, the whole days left at either side as days, the hours at either end as
 * hours. A month reads four or five weeks, a few days and at most 46 hours.
 */
export function rangeParts(from: number, to: number, largest: KpiUnit): { unit: KpiUnit; from: number; to: number }[] {
  const hours = { unit: 'hour' as const, from: kpiBucketIndex('hour', from), to: Math.ceil(to / HOUR_MS) };
  if (largest === 'hour') return [hours];
  // The larger units inside [start, end): whole ones only, split around by the smaller units.
  const inside = (unit: KpiUnit, start: number, end: number) => {
    const first = kpiBucketIndex(unit, start - 1) + 1;
    const last = kpiBucketIndex(unit, end);
    return last > first ? { unit, from: first, to: last, start: kpiBucketStart(unit, first), end: kpiBucketStart(unit, last) } : null;
  };
  const start = kpiBucketStart('hour', hours.from);
  const end = kpiBucketStart('hour', hours.to);
  const days = inside('day', start, end);
  if (!days) return [hours];
  const weeks = largest === 'week' ? inside('week', days.start, days.end) : null;
  const middle = weeks
    ? [
        { unit: 'day' as const, from: days.from, to: kpiBucketIndex('day', weeks.start) },
        { unit: 'week' as const, from: weeks.from, to: weeks.to },
        { unit: 'day' as const, from: kpiBucketIndex('day', weeks.end), to: days.to },
      ]
    : [{ unit: 'day' as const, from: days.from, to: days.to }];
  return [
    { unit: 'hour' as const, from: hours.from, to: kpiBucketIndex('hour', days.start) },
    ...middle,
    { unit: 'hour' as const, from: kpiBucketIndex('hour', days.end), to: hours.to },
  ].filter((part) => part.to > part.from);
}

/** The non-empty buckets of [from, to) in units up to `largest`, each with its start time. */
async function readRange(store: BucketReader, siteKey: SiteKey, scope: KpiScope, from: number, to: number, largest: KpiUnit) {
  const parts = rangeParts(from, to, largest);
  const read = await Promise.all(parts.map((p) => store.readKpiBuckets(siteKey, scope, p.unit, p.from, p.to)));
  return parts.flatMap((p, i) => read[i]!.map((b) => ({ ...b, start: kpiBucketStart(p.unit, b.index) })));
}

/** The sums over [from, to) of the fields that start with `prefix`, made in the store, part by part. */
async function sumRange(store: BucketReader, siteKey: SiteKey, scope: KpiScope, from: number, to: number, prefix: string): Promise<MetricSums> {
  const parts = rangeParts(from, to, 'week');
  const summed = await Promise.all(parts.map((p) => store.sumKpiBuckets(siteKey, scope, p.unit, p.from, p.to, prefix)));
  if (summed.length === 1) return summed[0]!;
  const sums: MetricSums = {};
  for (const part of summed) for (const field in part) sums[field] = (sums[field] ?? 0) + part[field]!;
  return sums;
}

export type Kpis = ReturnType<typeof createKpis>;

/** How many of a queue's front `now.queues[].longestWaitMs` looks at: more than reopened chats and priority customers usually put ahead. */
export const LONGEST_WAIT_LOOKS_AT = 20;

export function createKpis({ store, now = Date.now }: { store: Store; now?: () => number }) {
  const buckets = createBucketCache(store, now);
  /**
   * Who waits now in each queue, and the longest anyone near the front has: a reopened chat or a
   * priority customer is served ahead of older ones, so the first in line is not always the one
   * who has waited longest (LONGEST_WAIT_LOOKS_AT of the front are looked at).
   */
  const queuesNow = async (siteKey: SiteKey, at: number): Promise<QueueNow[]> =>
    Promise.all(
      QUEUES.map(async (queue) => {
        const { count, entries } = await store.listQueue(siteKey, queue, LONGEST_WAIT_LOOKS_AT);
        const oldest = Math.min(...entries.map((entry) => entry.queuedAt));
        return { queue, waiting: count, longestWaitMs: entries.length > 0 ? Math.max(0, at - oldest) : 0 };
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
      const scope = scopeOf(perAgent, input.queue !== undefined || groupBy === 'queue', byCategory);
      const dimension = (queue: QueueName | undefined, agent: AgentId | undefined, category = input.category) => {
        if (category !== undefined) return `${dimensionPrefix(queue, agent)}${category}`;
        return agent ? (queue ? `qa:${queue}:${agent}` : `a:${agent}`) : queue ? `q:${queue}` : '*';
      };
      const filter = dimension(input.queue, input.agent);
      /** What each agent's fields start with, for the agent table: `<prefix><agent>|metric` or `<prefix><agent>:<category>|metric`. */
      const agentPrefix = byCategory ? (input.queue ? `qac:${input.queue}:` : 'ac:') : input.queue ? `qa:${input.queue}:` : 'a:';
      const sumPrefix = sumPrefixOf({ groupBy, queue: input.queue, agent: input.agent, category: input.category, agentPrefix, filter });
      // A series reads every bucket of its range (closed ones from memory); any other report sums
      // its fields over the range in Redis (sumKpiBuckets) and carries back one sum per field, not
      // a month of every bucket's histograms.
      const series = groupBy === 'hour' || groupBy === 'day' ? await readRange(buckets, input.siteKey, scope, input.from, input.to, groupBy) : null;
      const read = series ?? [{ fields: await sumRange(buckets, input.siteKey, scope, input.from, input.to, sumPrefix) }];

      const totals: MetricSums = {};
      const groups: MetricsReport['groups'] = [];
      /** Adds one field's value to its group's sums and to the totals. */
      const addToGroup = (sumsByGroup: Map<string, MetricSums>, group: string, metric: string, value: number) => {
        let sums = sumsByGroup.get(group);
        if (!sums) sumsByGroup.set(group, (sums = {}));
        sums[metric] = (sums[metric] ?? 0) + value;
        totals[metric] = (totals[metric] ?? 0) + value;
      };
      if (groupBy === 'agent') {
        const byAgent = new Map<AgentId, MetricSums>();
        for (const { fields } of read) {
          for (const field in fields) {
            if (!field.startsWith(agentPrefix)) continue;
            const bar = field.indexOf('|');
            // `<agent>|metric`, or `<agent>:<category>|metric` in the category scope (ids and categories have no `:` or `|`).
            const key = field.slice(agentPrefix.length, bar);
            const colon = byCategory ? key.indexOf(':') : -1;
            const agent = colon >= 0 ? key.slice(0, colon) : key;
            if (byCategory && key.slice(colon + 1) !== input.category) continue;
            if (input.agent && agent !== input.agent) continue;
            addToGroup(byAgent, agent, field.slice(bar + 1), fields[field]!);
          }
        }
        const ids = [...byAgent.keys()].sort();
        const records = await Promise.all(ids.map((id) => store.getAgent(input.siteKey, id)));
        ids.forEach((id, i) => groups.push({ key: id, label: records[i]?.name ?? id, figures: figuresOf(byAgent.get(id)!, true) }));
      } else if (groupBy === 'category') {
        const prefix = dimensionPrefix(input.queue, input.agent);
        const categories = new Map<string, MetricSums>();
        for (const { fields } of read) {
          for (const field in fields) {
            if (!field.startsWith(prefix)) continue;
            const bar = field.indexOf('|');
            const category = field.slice(prefix.length, bar);
            if (input.category !== undefined && category !== input.category) continue;
            addToGroup(categories, category, field.slice(bar + 1), fields[field]!);
          }
        }
        const figures = [...categories].map(([category, sums]) => ({ key: category, label: category, figures: figuresOf(sums, perAgent) }));
        // The busiest first: what a team lead reads down the table for.
        figures.sort((a, b) => b.figures.conversations - a.figures.conversations || (a.key < b.key ? -1 : 1));
        groups.push(...figures);
      } else if (groupBy === 'queue') {
        for (const queue of input.queue ? [input.queue] : QUEUES) {
          const sums: MetricSums = {};
          for (const { fields } of read) addDimension(sums, fields, dimension(queue, input.agent));
          groups.push({ key: queue, label: queue, figures: figuresOf(sums, perAgent) });
          // Every event counts in exactly one queue, so the queues add up to the whole (read from the queue scope).
          for (const metric in sums) totals[metric] = (totals[metric] ?? 0) + sums[metric]!;
        }
      } else {
        for (const { fields } of read) addDimension(totals, fields, filter);
        if (groupBy === 'hour' || groupBy === 'day') {
          const size = groupBy === 'hour' ? HOUR_MS : DAY_MS;
          const byStart = new Map<number, MetricSums>();
          for (const { fields, start } of series!) {
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
