/**
 * Two agents and two visitors, with real consoles: an internal note is shown as a note to both
 * agents and never reaches the visitor's socket; a canned reply expands with the visitor's name; the
 * lead sees both agents' load and a waiting chat live and reassigns it; a transfer to a named agent
 * moves the chat with its history and tells the visitor; a plain agent is refused the team's figures.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { axeWidget, describeFindings } from '../helpers/axe';
import { connectVisitor, disconnectAll, type VisitorClient } from '../helpers/clients';
import { expectText, startEmbedScene, type EmbedScene } from '../helpers/embed-scene';
import { eventually } from '../helpers/wait-for';

const ARTIFACTS = 'test-artifacts/console-teamwork';

describe('notes, canned replies, transfers and the lead view in consoles', () => {
  let scene: EmbedScene;
  const siteKey = `site_team_${Date.now().toString(36)}`;
  const sam = { email: `sam-${randomUUID()}@agents.example`, password: 'sam-password' };
  let samId: string;

  /** A visitor whose every push is kept, on the shop's origin. */
  async function visitor(name: string, text: string): Promise<{ socket: VisitorClient; heard: [string, unknown][]; conversation: ConversationView }> {
    const socket = await connectVisitor(scene.started.url, { siteKey }, { origin: scene.shopUrl });
    const heard: [string, unknown][] = [];
    socket.onAny((event: string, payload: unknown) => heard.push([event, payload]));
    expectOk(await emitWithTimeout(socket, 3000, 'session:resume', {}));
    expectOk(await emitWithTimeout(socket, 3000, 'visitor:identify', { userId: `u-${name}`, name }));
    const sent = expectOk(await emitWithTimeout(socket, 3000, 'message:send', { clientId: randomUUID(), text }));
    return { socket, heard, conversation: sent.conversation as unknown as ConversationView };
  }

  async function logIn(page: Page, who: { email: string; password: string }) {
    await page.goto(`${scene.started.url}/console`);
    await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Take next' }).waitFor();
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    scene = await startEmbedScene(siteKey, 'Teamwork shop');
    samId = (await scene.started.app.agentAccounts.addAgent({ siteKey, ...sam, name: 'Sam Lee', skills: ['service'], role: 'agent', capacity: 5 })).id;
    await scene.started.app.cannedReplies.create(siteKey, { shortcut: 'thanks', text: 'Hi {{visitor.firstName}}, {{agent.firstName}} here from {{site.name}}.' }, 'test');
    await scene.started.app.cannedReplies.create(siteKey, { shortcut: 'bye', text: 'Bye {{visitor.name}}!' }, 'test');
  });

  afterAll(async () => {
    disconnectAll();
    await scene?.close();
  });

  it('keeps notes from the visitor, expands canned replies, shows the lead the team live and moves chats by name', async () => {
    const samPage = await (await scene.browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    const robinPage = await scene.leadAtWork();
    await robinPage.setViewportSize({ width: 1200, height: 800 });
    await logIn(samPage, sam);

    // Sam takes Ada's chat and writes a note: a labelled note on screen, nothing on Ada's socket.
    const ada = await visitor('Ada Lovelace', 'I was charged twice for my order');
    await samPage.locator('li.waiting', { hasText: 'charged twice' }).getByRole('button', { name: 'Take' }).click();
    await samPage.getByRole('switch', { name: 'Note' }).check();
    await samPage.getByRole('textbox', { name: 'Internal note' }).fill('VIP customer, refund approved by billing');
    await samPage.getByRole('button', { name: 'Send' }).click();
    const note = samPage.locator('li.msg.note');
    await expectText(note, 'Internal note');
    await expectText(note, 'VIP customer, refund approved by billing');
    await samPage.getByRole('switch', { name: 'Note' }).uncheck();

    // A canned reply: "/th" opens the picker, Enter inserts it with Ada's first name.
    const reply = samPage.getByRole('textbox', { name: 'Reply' });
    await reply.fill('/th');
    const picker = samPage.getByRole('listbox', { name: 'Canned replies' });
    await expectText(picker, 'Hi Ada, Sam here from Teamwork shop.');
    await samPage.screenshot({ path: `${ARTIFACTS}/1-note-and-canned-picker.png` });
    // The thread's own list structure (an <ol role="log">) is the accessibility work of issue 14 item 8, elsewhere.
    const composerFindings = await axeWidget(samPage, ['.reply']);
    expect(composerFindings, describeFindings(composerFindings)).toEqual([]);
    await reply.press('Enter');
    expect(await reply.inputValue()).toBe('Hi Ada, Sam here from Teamwork shop.');
    await reply.press('Enter');
    await eventually(() => expect(ada.heard.some(([e, p]) => e === 'message:new' && (p as { text: string }).text === 'Hi Ada, Sam here from Teamwork shop.')).toBe(true));

    // Robin, the lead, sees both agents' load and Bo's waiting chat live, and gives it to Sam.
    await robinPage.getByRole('button', { name: 'Team' }).click();
    const samRow = robinPage.getByRole('row', { name: /Sam Lee/ });
    await expectText(samRow, '1/5');
    await expectText(samRow, 'online');
    await expectText(robinPage.getByRole('row', { name: /Robin/ }), '0/3');
    const bo = await visitor('Bo Jensen', 'Where is my parcel? It is late');
    const waitingBo = robinPage.getByRole('list', { name: 'Waiting conversations' }).locator('li', { hasText: 'Where is my parcel' });
    await expectText(waitingBo, 'Bo Jensen');
    await robinPage.screenshot({ path: `${ARTIFACTS}/2-lead-team-view.png` });
    const teamFindings = await axeWidget(robinPage, ['.team-view']);
    expect(teamFindings, describeFindings(teamFindings)).toEqual([]);
    await waitingBo.getByRole('combobox', { name: 'Reassign to' }).selectOption({ label: 'Sam Lee (1/5)' });
    await waitingBo.getByRole('button', { name: 'Reassign' }).click();
    // It joins Sam's conversations without taking the screen from the chat Sam is in (the inbox alerts instead).
    await expectText(samPage.locator('.mine'), 'Where is my parcel');
    await expectText(samRow, '2/5');
    await eventually(() => expect(bo.heard.some(([e, p]) => e === 'conversation:updated' && (p as { assignedAgentName?: string }).assignedAgentName === 'Sam Lee')).toBe(true));

    // Sam transfers Ada's chat to Robin by name: the candidates show load and presence.
    await samPage.getByRole('button', { name: /charged twice/ }).click();
    await samPage.getByRole('button', { name: 'Transfer', exact: true }).click();
    const robinCandidate = samPage.getByRole('button', { name: /^Transfer to Robin/ });
    await expectText(robinCandidate, '0/3');
    await expectText(robinCandidate, 'online');
    await samPage.getByRole('textbox', { name: 'Transfer note' }).fill('Needs a manager');
    await samPage.screenshot({ path: `${ARTIFACTS}/3-transfer-dialog.png` });
    const transferFindings = await axeWidget(samPage, ['.transfer-form']);
    expect(transferFindings, describeFindings(transferFindings)).toEqual([]);
    await robinCandidate.click();
    // Robin gets it with its whole history, the note shown as a note.
    await robinPage.getByRole('button', { name: 'Team' }).click();
    const robinLog = robinPage.getByRole('log', { name: 'Messages' });
    await expectText(robinLog, 'I was charged twice for my order');
    await expectText(robinLog, 'Hi Ada, Sam here from Teamwork shop.');
    await expectText(robinPage.locator('li.msg.note'), 'Internal note');
    await expectText(robinPage.locator('li.msg.note'), 'VIP customer, refund approved by billing');
    await robinPage.screenshot({ path: `${ARTIFACTS}/4-transferred-with-note.png` });
    await eventually(() => expect(ada.heard.some(([e, p]) => e === 'conversation:updated' && (p as { assignedAgentName?: string }).assignedAgentName === 'Robin')).toBe(true));

    // The note never reached Ada's socket, in any push.
    expect(JSON.stringify(ada.heard)).not.toContain('VIP customer');
    expect(ada.heard.filter(([e]) => e === 'message:new').map(([, p]) => (p as { kind?: string }).kind)).not.toContain('note');

    // Sam, a plain agent, is refused the team's figures over REST, and gets their own.
    const status = await samPage.evaluate(
      async ({ siteKey, other }) => {
        const q = (extra: string) => fetch(`/api/v1/metrics?site=${siteKey}&from=${Date.now() - 86_400_000}&to=${Date.now() + 3_600_000}${extra}`, { credentials: 'same-origin' });
        const theirs = await q(`&agent=${other}`);
        const mine = (await (await q('')).json()) as { agent: string | null };
        return { theirs: theirs.status, code: ((await theirs.json()) as { error: { code: string } }).error.code, mine: mine.agent };
      },
      { siteKey, other: (await scene.started.app.store.findAgentByEmail(scene.lead.email))!.id },
    );
    expect(status).toEqual({ theirs: 403, code: 'FORBIDDEN', mine: samId });
  }, 90_000);

  it("shows a plain agent only their own figures, and downloads the lead's filtered figures as CSV", async () => {
    const samPage = await (await scene.browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    await logIn(samPage, sam);
    await samPage.getByRole('link', { name: 'Dashboard' }).click();
    await expectText(samPage.locator('.dashboard'), 'Your own figures');
    const agentsTable = samPage.locator('table.groups.agents');
    await expectText(agentsTable, 'Sam Lee');
    await expectText(agentsTable, 'Robin', { absent: true });
    expect(await samPage.getByRole('combobox', { name: 'Agent' }).count()).toBe(0);
    // Service NPS is shown beside CSAT.
    await samPage.locator('section.queue-column.service [data-figure="NPS"]').waitFor();
    await samPage.screenshot({ path: `${ARTIFACTS}/5-agent-dashboard.png` });

    // The lead manages the canned replies from the Team view; a duplicate shortcut is refused.
    const robinPage = await scene.leadAtWork();
    await robinPage.getByRole('button', { name: 'Team' }).click();
    const manager = robinPage.getByRole('region', { name: 'Canned replies' });
    await manager.getByRole('textbox', { name: 'Shortcut' }).fill('late');
    await manager.getByRole('textbox', { name: 'Text' }).fill('Sorry for the wait, {{visitor.firstName}}.');
    await manager.getByRole('button', { name: 'Add canned reply' }).click();
    await expectText(manager.getByRole('list'), '/late');
    await manager.getByRole('textbox', { name: 'Shortcut' }).fill('thanks');
    await manager.getByRole('textbox', { name: 'Text' }).fill('Again');
    await manager.getByRole('button', { name: 'Add canned reply' }).click();
    await expectText(manager.getByRole('alert'), 'Another canned reply of this site has this shortcut.');
    await robinPage.screenshot({ path: `${ARTIFACTS}/7-canned-manager.png`, fullPage: true });
    expect((await scene.started.app.store.listCannedReplies(siteKey)).map((r) => r.shortcut)).toEqual(['bye', 'late', 'thanks']);
    await robinPage.getByRole('button', { name: 'Team' }).click();
    await robinPage.getByRole('link', { name: 'Dashboard' }).click();
    const today = new Date().toISOString().slice(0, 10);
    await robinPage.getByLabel('From', { exact: true }).fill(today);
    await robinPage.getByLabel('To', { exact: true }).fill(today);
    await robinPage.getByRole('combobox', { name: 'Queue' }).selectOption('service');
    const agentFilter = robinPage.getByRole('combobox', { name: 'Agent' });
    await eventually(async () => expect(await agentFilter.locator('option').allTextContents()).toContain('Sam Lee'));
    await agentFilter.selectOption({ label: 'Sam Lee' });
    await expectText(robinPage.locator('table.groups.agents'), 'Robin', { absent: true });
    await robinPage.screenshot({ path: `${ARTIFACTS}/6-lead-dashboard-filtered.png` });
    const filterFindings = await axeWidget(robinPage, ['.dashboard-bar.filters', '.queue-column']);
    expect(filterFindings, describeFindings(filterFindings)).toEqual([]);
    const [download] = await Promise.all([robinPage.waitForEvent('download'), robinPage.getByRole('link', { name: 'Download CSV' }).click()]);
    const url = new URL(download.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ site: siteKey, agent: samId, queue: 'service', groupBy: 'hour', format: 'csv' });
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      }, reject);
    });
    const rows = csv.trim().split('\n');
    expect(rows[0]!.startsWith('group,label,')).toBe(true);
    expect(rows[1]!.startsWith('total,')).toBe(true);
    // A row per hour of the day, and the total is Sam's two service conversations.
    expect(rows.length).toBe(2 + 24);
    const header = rows[0]!.split(',');
    expect(rows[1]!.split(',')[header.indexOf('conversations')]).toBe('2');
  }, 90_000);
});
