import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import { clientAddress, createAddressMatcher, createProxyTrust, parseTrustProxy } from '../../server/proxy-trust';

const request = (peer: string, forwardedFor?: string) => ({
  socket: { remoteAddress: peer } as never,
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('TRUST_PROXY', () => {
  it('reads false, true, hop counts and address lists', () => {
    const problems: string[] = [];
    expect(parseTrustProxy(undefined, problems)).toBe(false);
    expect(parseTrustProxy('false', problems)).toBe(false);
    expect(parseTrustProxy('true', problems)).toBe(true);
    expect(parseTrustProxy('2', problems)).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8,fd00::/8, 203.0.113.7', problems)).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '203.0.113.7']);
    expect(problems).toEqual([]);
  });

  it('refuses a malformed value at start, naming every entry it cannot read', () => {
    let error: unknown;
    try {
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/33, proxy.internal, 1.2.3', PORT: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(2);
    const trust = problems.find((p) => p.startsWith('TRUST_PROXY'))!;
    expect(trust).toContain('"10.0.0.0/33", "proxy.internal", "1.2.3"');
    expect(trust).not.toContain('"loopback"');
    expect(() => loadConfig({ METRICS_ALLOW: '10.0.0.0/8,everyone' })).toThrow(/METRICS_ALLOW .*"everyone"/);
  });

  it('finds the client as Fastify does: without trust the peer, with trust the address left of the trusted hops', () => {
    const behindTwo = request('127.0.0.1', '198.51.100.9, 203.0.113.5, 10.0.0.2');
    expect(clientAddress(behindTwo, createProxyTrust(false))).toBe('127.0.0.1');
    expect(clientAddress(behindTwo, createProxyTrust(1))).toBe('10.0.0.2');
    expect(clientAddress(behindTwo, createProxyTrust(['loopback', '10.0.0.0/8']))).toBe('203.0.113.5');
    expect(clientAddress(behindTwo, createProxyTrust(true))).toBe('198.51.100.9');
    // A forged header from a peer that is not a trusted proxy changes nothing.
    expect(clientAddress(request('198.51.100.1', '1.1.1.1'), createProxyTrust(['loopback']))).toBe('198.51.100.1');
    // IPv4 peers seen through a dual-stack socket match IPv4 ranges.
    expect(clientAddress(request('::ffff:127.0.0.1', '192.0.2.4'), createProxyTrust(['127.0.0.1']))).toBe('192.0.2.4');
  });

  it('matches addresses against ranges and names', () => {
    const allowed = createAddressMatcher(['loopback', '10.1.0.0/16', '2001:db8::/32']);
    expect(['127.0.0.1', '::1', '10.1.200.3', '::ffff:127.0.0.1', '2001:db8::5'].map(allowed)).toEqual([true, true, true, true, true]);
    expect(['10.2.0.1', '203.0.113.5', 'not-an-address', ''].map(allowed)).toEqual([false, false, false, false]);
  });
});
