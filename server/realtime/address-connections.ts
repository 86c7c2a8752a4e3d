/**
 * Open visitor sockets per client address on this process: a script opening thousands of sockets
 * from one address is refused at the handshake (TOO_MANY_CONNECTIONS) before it costs a Redis
 * round trip, while the connection-rate limit (connectionsPerIp, in Redis) slows reconnect storms.
 * Counted in process: the cap across N processes behind a balancer is N times this.
 */
export interface AddressConnections {
  /** Takes a place for `address`; false when it already holds `max`. */
  reserve(address: string): boolean;
  /** Gives a place back (a refused handshake, a socket that closed). */
  release(address: string): void;
  /** Open sockets from `address` (for metrics and tests). */
  count(address: string): number;
}

export function createAddressConnections(max: number): AddressConnections {
  const open = new Map<string, number>();
  return {
    reserve(address) {
      const held = open.get(address) ?? 0;
      if (held >= max) return false;
      open.set(address, held + 1);
      return true;
    },
    release(address) {
      const held = open.get(address) ?? 0;
      if (held <= 1) open.delete(address);
      else open.set(address, held - 1);
    },
    count: (address) => open.get(address) ?? 0,
  };
}
