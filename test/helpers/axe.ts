import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** What a test reports of one axe-core finding: enough to find and fix it without a browser. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  /** One entry per failing element: its selector (through the shadow root) and axe's summary. */
  nodes: { target: string; summary: string }[];
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Rules that judge a whole page, not a guest on it: the widget is one corner of someone else's
 * document, so it must not add a <main> or page heading of its own, and the host page decides its
 * landmarks. Each is off for that reason only; every other rule runs.
 */
const PAGE_LEVEL_RULES = {
  // "All page content should be contained by landmarks": the host page's landmarks, not ours to set.
  region: { enabled: false },
  // "Document should have one main landmark": a widget adding a <main> would give the page two.
  'landmark-one-main': { enabled: false },
  // "Page should contain a level-one heading": the host page's own title, not the chat window's.
  'page-has-heading-one': { enabled: false },
};

/**
 * Runs axe-core on the widget (its host element and open shadow root, which axe walks), or on the
 * parts of a console page named by `include` (CSS selectors), in the page as
 * it is now, and returns the serious and critical findings. The source goes in through
 * `page.evaluate`, which a strict page CSP does not block as it would a <script> element.
 */
export async function axeWidget(page: Page, include: string[] = ['#switchboard-widget']): Promise<AxeFinding[]> {
  return runAxe(page, { include: include.map((selector) => [selector]) }, PAGE_LEVEL_RULES);
}

/** Runs axe-core on a whole page of ours (the console), every rule on, page-level ones included. */
export async function axePage(page: Page): Promise<AxeFinding[]> {
  return runAxe(page, null, {});
}

/** `context` null: the whole document. */
async function runAxe(page: Page, context: unknown, rules: Record<string, { enabled: boolean }>): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(
    async ([scope, ruleSet]) => {
      const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: any[] }> } }).axe;
      const result = await axe.run(scope ?? window.document, { rules: ruleSet, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id as string,
        impact: (v.impact ?? '') as string,
        help: v.help as string,
        nodes: (v.nodes as any[]).map((n) => ({ target: JSON.stringify(n.target), summary: (n.failureSummary ?? '') as string })),
      }));
    },
    [context, rules] as const,
  );
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** The findings as lines a failing assertion can print. */
export function describeFindings(findings: AxeFinding[]): string {
  return findings
    .map((f) => `${f.impact} ${f.id}: ${f.help}\n${f.nodes.map((n) => `  ${n.target}\n    ${n.summary.replace(/\n/g, '\n    ')}`).join('\n')}`)
    .join('\n');
}
