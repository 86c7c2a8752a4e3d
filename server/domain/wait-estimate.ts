/**
 * How long a waiting visitor will probably wait. The line moves as fast as agents finish
 * conversations: with A agents online holding up to c conversations each, and a median handle
 * time H, about A·c conversations end every H. A visitor at position p, when F places are free
 * right now, waits for the p − F conversations ahead of them that need a place to open:
 *
 *   estimate = max(0, p − F) × H / (A × c)
 *
 * with H the median of the queue's last handle times (4 minutes until there are any). When places
 * are free (p ≤ F) the estimate is the median of recent waits, since an agent still has to pick it
 * up (auto mode makes that a moment). No agent online: no estimate.
 */
const DEFAULT_HANDLE_MS = 4 * 60_000;

export interface WaitInputs {
  position: number;
  agentsOnline: number;
  /** Average capacity of the online agents. */
  averageCapacity: number;
  freePlaces: number;
  recentHandleMs: number[];
  recentWaitMs: number[];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** @returns milliseconds, or null when nobody is online to answer */
export function estimateWaitMs(input: WaitInputs): number | null {
  if (input.agentsOnline <= 0) return null;
  const ahead = Math.max(0, input.position - input.freePlaces);
  if (ahead === 0) return Math.round(median(input.recentWaitMs) ?? 0);
  const handle = median(input.recentHandleMs) ?? DEFAULT_HANDLE_MS;
  return Math.round((ahead * handle) / Math.max(1, input.agentsOnline * Math.max(1, input.averageCapacity)));
}
