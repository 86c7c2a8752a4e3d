import { describe, expect, it } from 'vitest';
import { createKeys, type RedisKeys } from '../../server/store/redis/keys';

const PREFIX = 'sb:test:keys';
const SITE = 'site_Abc-1';

/** Keys that are not one site's: found from an email or a cookie alone, before any site is known. */
const GLOBAL_KEYS: (keyof RedisKeys)[] = ['agentEmail', 'session', 'agentSessions', 'counter', 'sites', 'jobs', 'passwordReset', 'singleProcessLease', 'socketIoChannels'];

/** CRC16-XMODEM, as Redis Cluster uses to place a key in one of 16,384 slots. */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The Redis Cluster slot of a key, honouring the first non-empty `{hash tag}`. */
function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  const hashed = open !== -1 && close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(hashed) % 16_384;
}

/** Every key builder, called with this site and fixed ids. */
function siteKeys(keys: RedisKeys, site: string): [name: string, key: string][] {
  return (Object.keys(keys) as (keyof RedisKeys)[])
    .filter((name) => !GLOBAL_KEYS.includes(name))
    .map((name) => [name, (keys[name] as (site: string, id: string) => string)(site, 'id_1')]);
}

describe('Redis key names', () => {
  const keys = createKeys(PREFIX);

  it('computes cluster slots as Redis does', () => {
    // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
    expect(crc16('123456789')).toBe(0x31c3);
    expect(clusterSlot('{user1000}.following')).toBe(clusterSlot('{user1000}.followers'));
    // An empty tag does not count: the whole key is hashed.
    expect(clusterSlot('foo{}{bar}')).toBe(crc16('foo{}{bar}') % 16_384);
    expect(clusterSlot('foo')).toBe(12_182);
  });

  it('knows every builder: each is either one site’s or listed as global', () => {
    expect(Object.keys(keys).length).toBeGreaterThan(GLOBAL_KEYS.length);
    for (const name of GLOBAL_KEYS) expect(keys).toHaveProperty(name);
  });

  it('starts every key of a site with the prefix and the {siteKey} hash tag', () => {
    for (const [name, key] of siteKeys(keys, SITE)) {
      expect(key.startsWith(`${PREFIX}:{${SITE}}:`), `${name}: ${key}`).toBe(true);
      // One tag only: a second `{` would not change the slot, but it would confuse a reader.
      expect(key.split('{').length, name).toBe(2);
    }
  });

  it('puts every key of one site in one cluster slot, so a script may touch any of them', () => {
    const slots = new Set(siteKeys(keys, SITE).map(([, key]) => clusterSlot(key)));
    expect(slots).toEqual(new Set([crc16(SITE) % 16_384]));
  });

  it('starts the global keys with the prefix, without a site tag', () => {
    expect(keys.agentEmail('Ada@Example.com')).toBe(`${PREFIX}:agent-email:ada@example.com`);
    expect(keys.session('tok')).toBe(`${PREFIX}:session:tok`);
    expect(keys.agentSessions('a_1')).toBe(`${PREFIX}:agent-sessions:a_1`);
    expect(keys.counter('login:ip:1.2.3.4')).toBe(`${PREFIX}:counter:login:ip:1.2.3.4`);
    expect(keys.sites()).toBe(`${PREFIX}:sites`);
  });

  it('keeps BullMQ under the prefix, in one cluster slot of its own', () => {
    expect(keys.jobs()).toBe(`${PREFIX}:{jobs}`);
    expect(clusterSlot(`${keys.jobs()}:sweep:wait`)).toBe(clusterSlot(`${keys.jobs()}:retention:meta`));
  });

  it('gives every builder its own key space: no two builders make the same key', () => {
    const made = siteKeys(keys, SITE).map(([, key]) => key);
    made.push(keys.agentEmail('id_1'), keys.session('id_1'), keys.agentSessions('id_1'), keys.counter('id_1'));
    expect(new Set(made).size).toBe(made.length);
  });

  it('keeps sites and prefixes apart', () => {
    const other = createKeys('sb:other');
    for (const [name, key] of siteKeys(keys, SITE)) {
      expect(siteKeys(keys, 'site_other').find(([n]) => n === name)![1], name).not.toBe(key);
      expect(siteKeys(other, SITE).find(([n]) => n === name)![1], name).not.toBe(key);
    }
  });
});
