import { describe, expect, it } from 'vitest';
import { bucketMiddleMs, bucketOf, bucketUpperMs, histogramQuantile, LAST_BUCKET } from '../../server/domain/kpi-histogram';
import { dimensionsOf, incrementsOf } from '../../server/domain/kpi-events';
import { checkMetricsQuery, figuresOf, MAX_RANGE_MS, parseTime, rangeParts } from '../../server/domain/kpis';
import { kpiBucketIndex, kpiBucketStart, type KpiUnit } from '../../server/store/store';
import { flattenFigures } from '../../shared/metrics-csv';

describe('log-scale duration histograms', () => {
  it('puts every duration in a bucket whose edges hold it, eight per doubling', () => {
    for (const ms of [1000, 1500, 2000, 59_999, 60_000, 61_000, 3_600_000, 86_400_000]) {
      const bucket = bucketOf(ms);
      expect(ms).toBeLessThan(bucketUpperMs(bucket));
      expect(ms).toBeGreaterThanOrEqual(bucketUpperMs(bucket - 1) - 1);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(999)).toBe(0);
    expect(bucketOf(2000) - bucketOf(1000)).toBe(8);
    expect(bucketOf(Number.MAX_SAFE_INTEGER)).toBe(LAST_BUCKET);
  });

  it('reports a quantile within ±4.4 % of the true value (from 1 s up)', () => {
    for (let ms = 1000; ms < 10_000_000; ms = Math.round(ms * 1.07)) {
      const reported = bucketMiddleMs(bucketOf(ms));
      expect(Math.abs(reported - ms) / ms).toBeLessThan(0.0442);
    }
  });

  it('takes the nearest rank', () => {
    const histogram = new Map([
      [bucketOf(10_000), 5],
      [bucketOf(100_000), 4],
      [bucketOf(1_000_000), 1],
    ]);
    expect(histogramQuantile(histogram, 0.5)).toBe(bucketMiddleMs(bucketOf(10_000)));
    expect(histogramQuantile(histogram, 0.6)).toBe(bucketMiddleMs(bucketOf(100_000)));
    expect(histogramQuantile(histogram, 0.9)).toBe(bucketMiddleMs(bucketOf(100_000)));
    expect(histogramQuantile(histogram, 1)).toBe(bucketMiddleMs(bucketOf(1_000_000)));
    expect(histogramQuantile(new Map(), 0.5)).toBeNull();
  });
});

describe('KPI increments', () => {
  it('counts an event in the site, its queue, the agent and the agent in the queue', () => {
    expect(dimensionsOf('service', 'a1').map((d) => `${d.scope}:${d.dim}`)).toEqual(['site:*', 'site:q:service', 'agent:a:a1', 'agentQueue:qa:service:a1']);
    const increments = incrementsOf({ type: 'resolved', at: 0, conversationId: 'c', queue: 'support', agentId: 'a1', handleMs: 90_000 });
    expect(increments.filter((i) => i.field.startsWith('*|')).map((i) => [i.field, i.by])).toEqual([
      ['*|resolved', 1],
      ['*|aht.n', 1],
      ['*|aht.sum', 90_000],
      [`*|aht.h${bucketOf(90_000)}`, 1],
    ]);
  });

  it('counts the wait and the routing mistake once per conversation (first-only increments)', () => {
    const assigned = incrementsOf({ type: 'assigned', at: 0, conversationId: 'c', queue: 'service', agentId: 'a1', waitMs: 5000 });
    expect(assigned.filter((i) => i.field.includes('wait')).every((i) => i.firstOnly)).toBe(true);
    expect(assigned.filter((i) => i.field.endsWith('|assigned')).every((i) => !i.firstOnly)).toBe(true);
    const transferred = incrementsOf({ type: 'transferred', at: 0, conversationId: 'c', from: 'support', to: 'service', agentId: 'a1', routedQueue: 'support' });
    expect(transferred.filter((i) => i.field.endsWith('misrouted')).map((i) => [i.field, i.firstOnly])).toEqual([
      ['*|misrouted', true],
      ['q:support|misrouted', true],
    ]);
    expect(incrementsOf({ type: 'rerouted', at: 0, conversationId: 'c', from: 'service', to: 'support', routedBy: 'model' })).toEqual([]);
  });
});

describe('figures from sums', () => {
  it('computes rates, scores and NPS', () => {
    const f = figuresOf(
      { created: 10, resolved: 8, abandoned: 1, repeat: 2, misrouted: 1, assigned: 9, 'assigned:service': 9, 'xfer:service>support': 3, 'csat:5': 2, 'csat:4': 1, 'csat:1': 1, 'nps:10': 3, 'nps:5': 1 },
      false,
    );
    expect(f).toMatchObject({
      conversations: 10,
      resolutionRate: 0.8,
      abandonmentRate: 0.1,
      repeatContactRate: 0.2,
      routerAccuracy: 0.9,
      transferRate: { serviceToSupport: 1 / 3, supportToService: null },
      csat: { count: 4, mean: 15 / 4, satisfiedShare: 0.75 },
      nps: { count: 4, score: 50 },
      waitMs: { count: 0, median: null, p90: null, mean: null },
    });
    expect(figuresOf({ assigned: 2 }, true)).toMatchObject({ conversations: 2, abandonmentRate: null, routerAccuracy: null });
  });

  it('flattens figures into the CSV columns in a fixed order', () => {
    const names = flattenFigures(figuresOf({}, false)).map(([name]) => name);
    expect(names.slice(0, 4)).toEqual(['conversations', 'assigned', 'resolved', 'resolutionRate']);
    expect(names).toContain('waitMs.p90');
    expect(names).not.toContain('frtHistogram');
  });
});

describe('metrics queries', () => {
  it('reads epoch milliseconds and ISO 8601', () => {
    expect(parseTime('1700000000000')).toBe(1_700_000_000_000);
    expect(parseTime('2026-01-02T03:04:05Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTime('2026-13-45')).toBeNaN();
  });

  it('refuses a backwards, empty, invalid or too long range and an unknown group', () => {
    expect(() => checkMetricsQuery({ from: 2, to: 1 })).toThrow(expect.objectContaining({ code: 'METRICS_RANGE_INVALID' }));
    expect(() => checkMetricsQuery({ from: 1, to: 1 })).toThrow(expect.objectContaining({ code: 'METRICS_RANGE_INVALID' }));
    expect(() => checkMetricsQuery({ from: Number.NaN, to: 1 })).toThrow(expect.objectContaining({ code: 'METRICS_RANGE_INVALID' }));
    expect(() => checkMetricsQuery({ from: 0, to: MAX_RANGE_MS + 1 })).toThrow(expect.objectContaining({ code: 'METRICS_RANGE_TOO_LONG' }));
    expect(() => checkMetricsQuery({ from: 0, to: 1, groupBy: 'week' })).toThrow(expect.objectContaining({ code: 'METRICS_GROUP_UNKNOWN' }));
    expect(checkMetricsQuery({ from: 0, to: MAX_RANGE_MS, groupBy: 'agent' })).toBe('agent');
  });
});

describe('aggregate buckets of a range', () => {
  const at = (iso: string) => Date.parse(iso);
  const span = (unit: KpiUnit, from: number, to: number) => [new Date(kpiBucketStart(unit, from)).toISOString(), new Date(kpiBucketStart(unit, to)).toISOString()];

  it('counts UTC weeks from Monday', () => {
    const week = kpiBucketIndex('week', at('2026-12-07T00:00:00Z')); // a Monday
    expect(kpiBucketIndex('week', at('2026-12-06T23:59:59.999Z'))).toBe(week - 1);
    expect(kpiBucketIndex('week', at('2026-12-13T23:59:59.999Z'))).toBe(week);
    expect(new Date(kpiBucketStart('week', week)).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(kpiBucketStart('day', kpiBucketIndex('day', at('2026-12-09T13:00:00Z')))).toBe(at('2026-12-09T00:00:00Z'));
  });

  it('covers a month with the weeks inside it, the days beside them and the hours at its ends', () => {
    const parts = rangeParts(at('2026-11-07T16:20:00Z'), at('2026-12-07T16:20:00Z'), 'week');
    expect(parts.map((p) => [p.unit, ...span(p.unit, p.from, p.to)])).toEqual([
      ['hour', '2026-11-07T16:00:00.000Z', '2026-11-08T00:00:00.000Z'],
      ['day', '2026-11-08T00:00:00.000Z', '2026-11-09T00:00:00.000Z'],
      ['week', '2026-11-09T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
      ['hour', '2026-12-07T00:00:00.000Z', '2026-12-07T17:00:00.000Z'],
    ]);
    expect(kpiBucketIndex('week', at('2026-12-07T00:00:00Z')) - kpiBucketIndex('week', at('2026-11-09T00:00:00Z'))).toBe(4);
  });

  it('uses no unit larger than the grouping needs, and only hours for less than a day', () => {
    const from = at('2026-11-07T16:20:00Z');
    const to = at('2026-12-07T16:20:00Z');
    expect(rangeParts(from, to, 'day').map((p) => [p.unit, ...span(p.unit, p.from, p.to)])).toEqual([
      ['hour', '2026-11-07T16:00:00.000Z', '2026-11-08T00:00:00.000Z'],
      ['day', '2026-11-08T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
      ['hour', '2026-12-07T00:00:00.000Z', '2026-12-07T17:00:00.000Z'],
    ]);
    expect(rangeParts(from, to, 'hour')).toEqual([{ unit: 'hour', from: kpiBucketIndex('hour', from), to: kpiBucketIndex('hour', to) + 1 }]);
    expect(rangeParts(at('2026-12-06T20:00:00Z'), at('2026-12-07T10:00:00Z'), 'week')).toEqual([
      { unit: 'hour', from: kpiBucketIndex('hour', at('2026-12-06T20:00:00Z')), to: kpiBucketIndex('hour', at('2026-12-07T10:00:00Z')) },
    ]);
  });

  it('covers every hour of a range exactly once, whatever its ends', () => {
    for (let i = 0; i < 200; i++) {
      const from = at('2026-01-01T00:00:00Z') + Math.floor(((i * 7919) % 1000) * 3_600_000 * 0.9);
      const to = from + 1 + ((i * 104729) % (60 * 24)) * 3_600_000;
      const hours: number[] = [];
      for (const part of rangeParts(from, to, 'week')) {
        for (let t = kpiBucketStart(part.unit, part.from); t < kpiBucketStart(part.unit, part.to); t += 3_600_000) hours.push(t);
      }
      const expected: number[] = [];
      for (let t = Math.floor(from / 3_600_000) * 3_600_000; t < to; t += 3_600_000) expected.push(t);
      expect(hours.sort((a, b) => a - b)).toEqual(expected);
    }
  });
});
