import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
/**
 * Random bytes drawn ahead, as Node's own randomUUID does: one call into the CSPRNG per 341 ids
 * instead of one per id (every domain event takes an id, so every message does).
 */
const pool = Buffer.alloc(ID_BYTES * 341);
let offset = pool.length;

/** An unguessable id with a readable prefix (`c_…` conversation, `v_…` visitor): 96 random bits. */
export function randomId(prefix: string): string {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  // Each draw is used once: the bytes are overwritten by the next refill, never handed out twice.
  offset += ID_BYTES;
  return `${prefix}_${id}`;
}
