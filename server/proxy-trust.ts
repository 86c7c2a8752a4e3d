/**
 * `TRUST_PROXY`: which reverse proxies may tell us the client's address in `X-Forwarded-For`.
 * One trust function serves Fastify (`trustProxy`, so `request.ip`, logs and REST limits) and the
 * Socket.IO handshake (`clientAddress`), so a visitor has the same address everywhere.
 *
 * Values: unset or `false` (the peer's own address, proxies ignored), `true` (every hop trusted:
 * the leftmost address; only when nothing can reach the server but the proxy), a whole number of
 * hops (`1`: one proxy in front), or a comma-separated list of addresses, CIDR ranges and the names
 * `loopback`, `linklocal`, `uniquelocal` (the proxies' own addresses: the usual choice).
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export type TrustProxySetting = boolean | number | readonly string[];

/** `(address, hop) => trusted`: the shape Fastify's `trustProxy` (proxy-addr) accepts. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** The ranges behind proxy-addr's names, so the same words mean the same here as in Express and Fastify. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `1.2.3.4`, `1.2.3.0/24`, `::1`, `fd00::/8`: the family, or undefined when it is none of these. */
function parseEntry(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Reads `TRUST_PROXY`; `problems` gets one message naming every entry it cannot read.
 * @example parseTrustProxy('loopback, 10.0.0.0/8', problems) // ['loopback', '10.0.0.0/8']
 */
export function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxySetting {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return parseAddressList('TRUST_PROXY', raw, problems, 'true, false, a number of hops, or ') ?? false;
}

/**
 * A comma-separated list of addresses, CIDR ranges and the names `loopback`, `linklocal`,
 * `uniquelocal`; undefined (and one message naming every bad entry in `problems`) when any is unreadable.
 */
export function parseAddressList(name: string, raw: string, problems: string[], alternatives = ''): string[] | undefined {
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !(e in NAMED_RANGES) && parseEntry(e) === undefined);
  if (bad.length === 0) return entries;
  problems.push(
    `${name} must be ${alternatives}a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal; ` +
      `cannot read ${bad.map((e) => `"${e}"`).join(', ')}`,
  );
  return undefined;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, so an IPv4 range matches a peer seen through a dual-stack socket. */
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

export function createProxyTrust(setting: TrustProxySetting): ProxyTrust {
  if (typeof setting === 'boolean') return () => setting;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return createAddressMatcher(setting);
}

/** True for an address inside one of the entries (as parseAddressList accepted them). */
export function createAddressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e] ?? [e])) {
    const { address, prefix, family } = parseEntry(entry)!;
    list.addSubnet(address, prefix, family);
  }
  return (address) => {
    const plain = unmapped(address);
    const version = isIP(plain);
    return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address as proxy-addr (Fastify's `request.ip`) finds it: start at the peer, and
 * while the current hop is trusted, step to the next address to its left in `X-Forwarded-For`.
 */
export function clientAddress(request: Pick<IncomingMessage, 'headers' | 'socket'>, trust: ProxyTrust): string {
  const peer = request.socket.remoteAddress ?? '';
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const hops = [peer, ...forwarded];
  let hop = 0;
  while (hop < hops.length - 1 && trust(hops[hop]!, hop)) hop += 1;
  return hops[hop]!;
}
