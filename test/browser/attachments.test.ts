/**
 * Files in real browsers: a visitor pastes a screenshot into the widget on a shop page of another
 * origin and the agent sees it inline as a thumbnail; the agent attaches a PDF with the paperclip
 * and the visitor gets it as a link that downloads it. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeWidget, describeFindings } from '../helpers/axe';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import type { StartedApp } from '../helpers/start-app';
import { pdfBytes, pngBytes } from '../helpers/test-files';
import { eventually } from '../helpers/wait-for';

const ARTIFACTS = 'test-artifacts';

describe('attachments in a browser', () => {
  let scene: EmbedScene;
  let started: StartedApp;
  let shopUrl: string;
  let browser: Browser;
  const siteKey = `site_files_${Date.now().toString(36)}`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'Files shop');
    ({ started, shopUrl, browser } = scene);
  });

  afterAll(() => scene?.close());

  it("shows the visitor's pasted screenshot to the agent as a thumbnail, and the agent's PDF to the visitor as a link", async () => {
    const agent = await scene.leadAtWork();
    const visitorContext = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const visitor = await visitorContext.newPage();
    await visitor.goto(shopUrl);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = visitor.getByRole('textbox', { name: 'Message' });
    await box.fill('The checkout page shows an error, screenshot below');
    await box.press('Enter');
    const waiting = agent.locator('li.waiting', { hasText: 'The checkout page shows an error' });
    await waiting.getByRole('button', { name: 'Take' }).click();
    await expectText(visitor.getByRole('status').filter({ hasText: 'chatting' }), 'You are chatting with Robin.');

    // The visitor pastes a screenshot into the message box (as the clipboard gives it: image.png).
    const shot = [...pngBytes(320, 180, [220, 38, 38])];
    await box.evaluate((el, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, shot);
    const ownThumb = visitor.getByRole('log').getByRole('img', { name: 'image.png' });
    await ownThumb.waitFor();

    const thumb = agent.getByRole('log').getByRole('img', { name: 'image.png' });
    await thumb.waitFor();
    await eventually(async () => expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320), 10_000);
    // It opens the full image: a link around the thumbnail, signed for agents.
    const full = await thumb.locator('xpath=..').getAttribute('href');
    expect(full).toMatch(/^\/files\/f_[^?]+\?s=.*&a=a&/);
    await agent.screenshot({ path: `${ARTIFACTS}/attachments-agent-thumbnail.png` });

    // The agent attaches a PDF with the paperclip.
    await agent.getByLabel('Attach a file').setInputFiles({ name: 'invoice-4411.pdf', mimeType: 'application/pdf', buffer: pdfBytes('Invoice 4411') });
    const link = visitor.getByRole('log').getByRole('link', { name: 'invoice-4411.pdf' });
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith(`${started.url}/files/`)).toBe(true);
    const file = await fetch(href);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;/);
    await eventually(async () => expect(await ownThumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320), 10_000);
    await visitor.screenshot({ path: `${ARTIFACTS}/attachments-visitor-link.png` });
    // The thumbnail, the link and the paperclip pass axe-core as the rest of the widget does.
    const findings = await axeWidget(visitor);
    expect(findings, describeFindings(findings)).toEqual([]);
    await agent.screenshot({ path: `${ARTIFACTS}/attachments-agent-pdf.png` });

    // A file the site does not take is refused in the visitor's language, nothing sent.
    await visitor.getByLabel('Attach a file').setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await expectText(visitor.getByRole('log'), 'only images, PDFs and text files can be sent');
    await visitorContext.close();
  }, 60_000);
});
