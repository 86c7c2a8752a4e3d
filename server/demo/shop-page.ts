/**
 * A sample shop page on its own port, so the demo embeds the widget the way a customer's site
 * does: one script tag, from another origin.
 */
import { createServer, type Server } from 'node:http';

export function renderShopPage(publicUrl: string, siteKey: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Outfitters — demo shop</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f7f7f2; }
  header { background: #234e52; color: #fff; padding: 1rem 2rem; }
  main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
  article { background: #fff; border-radius: 12px; padding: 1rem 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / 0.1); }
  .price { font-weight: 700; color: #234e52; }
  footer { text-align: center; color: #52606d; padding: 2rem; font-size: 0.9rem; }
</style>
</head>
<body>
<header><h1>Northwind Outfitters</h1><p>This page is a demo host on another origin; the chat button in the corner is Switchboard's widget.</p></header>
<main>
  <article><h2>Trail jacket</h2><p>Waterproof, breathable, packs into its own pocket.</p><p class="price">€149</p></article>
  <article><h2>Merino beanie</h2><p>Warm, soft, and does not itch.</p><p class="price">€29</p></article>
  <article><h2>Smart lantern</h2><p>App-controlled camping light with Bluetooth.</p><p class="price">€59</p></article>
</main>
<footer>Try: “I was charged twice for my order” (service) or “the lantern app crashes when I pair it” (support).</footer>
<script src="${publicUrl}/widget.js" data-site="${siteKey}" async></script>
</body>
</html>
`;
}

export function startShopPage(options: { host: string; port: number; publicUrl: string; siteKey: string }): Promise<Server> {
  const page = renderShopPage(options.publicUrl, options.siteKey);
  const server = createServer((request, response) => {
    if (request.url === '/' || request.url?.startsWith('/?')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
