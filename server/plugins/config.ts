import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import type { Config } from '../config';
import { clientAddress, createProxyTrust } from '../proxy-trust';

export default fp<{ config: Readonly<Config> }>(
  async (app, { config }) => {
    app.decorate('config', config);
    // The rule Fastify's `trustProxy` applies to `request.ip` (app.ts), for requests Fastify does not see: socket handshakes.
    const trust = createProxyTrust(config.trustProxy);
    app.decorate('clientAddress', (request: Pick<IncomingMessage, 'headers' | 'socket'>) => clientAddress(request, trust));
  },
  { name: 'switchboard-config' },
);
