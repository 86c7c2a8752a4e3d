/**
 * The console under its own strict CSP (server/plugins/http-headers.ts): logging in, the workspace
 * and the dashboard's charts work with no violation reported, and no page may frame it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedScene, type EmbedScene } from '../helpers/embed-scene';

declare global {
  interface Window {
    cspViolations: string[];
  }
}

describe('the console under a strict Content-Security-Policy', () => {
  let scene: EmbedScene;
  beforeAll(async () => {
    scene = await startEmbedScene('site_console_csp', 'CSP shop');
  });
  afterAll(() => scene?.close());

  it('logs in, shows the workspace and draws the dashboard with no CSP violation', async () => {
    const context = await scene.browser.newContext({ viewport: { width: 1100, height: 700 } });
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`), true);
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
    });
    const response = await page.goto(`${scene.started.url}/console`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await scene.logInLead(page);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('region', { name: 'Customer service' }).waitFor();
    await page.locator('canvas').first().waitFor();
    await page.screenshot({ path: 'test-results/console-strict-csp-dashboard.png' });
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
