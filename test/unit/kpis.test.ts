import { describe, expect, it } from 'vitest';
import { bucketMiddleMs, bucketOf, bucketUpperMs, histogramQuantile, LAST_BUCKET } from '../../server/domain/kpi-histogram';
import { dimensionsOf, incrementsOf } from '../../server/domain/kpi-events';
import { checkMetricsQuery, figuresOf, MAX_RANGE_MS, parseTime } from '../../server/domain/kpis';
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
