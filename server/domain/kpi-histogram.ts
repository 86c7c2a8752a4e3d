/**
 * Fixed log-scale histogram buckets for durations, so medians and p90s can be summed across hours,
 * queues and agents without keeping every value. Bucket 0 holds [0, 1 s); bucket i ≥ 1 holds
 * [1 s·2^((i−1)/8), 1 s·2^(i/8)): eight buckets per doubling, each about 9 % wide, which is as
 * close as anyone reads a wait or a handle time. 48 hours fit in 151 buckets.
 */

/** Buckets per doubling of the duration. */
const BUCKETS_PER_DOUBLING = 8;
/** Everything at or above 2^25 s (about a year) shares the last bucket. */
export const LAST_BUCKET = 25 * BUCKETS_PER_DOUBLING + 1;

export function bucketOf(ms: number): number {
  if (!(ms >= 1000)) return 0;
  return Math.min(LAST_BUCKET, Math.floor(BUCKETS_PER_DOUBLING * Math.log2(ms / 1000)) + 1);
}

/** The upper edge (ms) of a bucket, for charts of the distribution. */
export function bucketUpperMs(bucket: number): number {
  return bucket <= 0 ? 1000 : Math.round(1000 * 2 ** (bucket / BUCKETS_PER_DOUBLING));
}

/** The geometric middle (ms) of a bucket: what a quantile falling in it is reported as. */
export function bucketMiddleMs(bucket: number): number {
  return bucket <= 0 ? 500 : Math.round(1000 * 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING));
}

/**
 * The nearest-rank quantile `q` (0–1) of a histogram, reported as the geometric middle of the
 * bucket holding that rank: within ±4.4 % of the true value (from 1 s up).
 */
export function histogramQuantile(counts: ReadonlyMap<number, number>, q: number): number | null {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(bucket)!;
    if (seen >= rank) return bucketMiddleMs(bucket);
  }
  return null;
}
