/** The entry point: config → app → listen; SIGINT/SIGTERM close sockets and connections cleanly. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { seedDemo } from './demo/seed';
import { startShopPage } from './demo/shop-page';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });

  let shop: Server | undefined;
  if (config.demo) {
    const shopHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const shopOrigin = (port: number) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
    shop = await startShopPage({ host: shopHost, port: config.demoPort, publicUrl: config.publicUrl, siteKey: 'site_demo' });
    const shopPort = (shop.address() as AddressInfo).port;
    const demo = await seedDemo(app, shopOrigin(shopPort));
    console.log(`
  Switchboard is running${config.redisUrl ? '' : ' on the embedded in-memory store (set REDIS_URL for Redis)'}.

  Demo shop (embeds the widget from another origin):  http://localhost:${shopPort}/
  Agent console:                                        ${config.publicUrl}/console
${demo.agents.map((a) => `    ${a.skills.padEnd(15)} ${a.role.padEnd(5)}   email ${a.email}   password ${a.password}`).join('\n')}
  The admin opens Settings (sites, agents, API tokens, widget, hours, routing …) from the console header.

  Open the shop, send a message from the chat button, and answer it from the console in another window.
`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    shop?.closeAllConnections();
    shop?.close();
    await app.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
