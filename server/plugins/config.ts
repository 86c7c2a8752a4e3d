import fp from 'fastify-plugin';
import type { Config } from '../config';

export default fp<{ config: Readonly<Config> }>(
  async (app, { config }) => {
    app.decorate('config', config);
  },
  { name: 'switchboard-config' },
);
