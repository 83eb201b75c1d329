/**
 * The browser the e2e tests drive: Debian's chromium through playwright-core (TOOLCHAIN.md's
 * flags), axe-core's serious and critical findings, and whether a page scrolls sideways.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

export { CHROMIUM, haveBrowser, launchChromium } from '../helpers/chromium.ts';

const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core in every page the context opens, before the page's own scripts: added this way (by
 * DevTools), it leaves the page its own Content-Security-Policy, and Chromium compiles it once
 * for all the pages instead of once a page (a script tag cost ~1.5 s a page on the shared 2-core
 * machine, this ~0.2 s).
 */
export async function addAxe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: AXE });
}

/**
 * axe-core's rules (of those it runs by default) whose answer depends on the layout, and so may
 * change with the width: colour contrast against what is drawn behind the text, for the text on
 * screen (a phone's stacked table moves its header row off screen), a link told apart from the
 * text around it, and a region that scrolls only when its content overflows it. The other rules
 * read the document, the accessibility tree and styles that no width changes here: the
 * pages' media queries only lay out grids and tables again and hide nothing (functions/web/pages.ts,
 * admin-frame.ts), and the pages' scripts never read the width (functions/web/assets).
 */
export const LAYOUT_RULES: readonly string[] = [
  'color-contrast',
  'link-in-text-block',
  'scrollable-region-focusable',
];

/** axe-core's serious and critical findings on the page as it is now: every rule, or only `rules`. */
export async function seriousViolations(page: Page, rules?: readonly string[]): Promise<Violation[]> {
  // A page of a context without addAxe gets it now.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async (only) => {
    // axe-core's own global, added above.
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    // Only the violations are wanted: axe then skips collecting every passing node (most of its
    // time on a form of a thousand inputs) and reports the same violations.
    const { violations } = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
      ...(only ? { runOnly: { type: 'rule', values: only } } : {}),
    });
    return (
      violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
    )
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
  }, rules ?? null);
}

export const PHONE_WIDTH = 375;
export const DESKTOP_WIDTH = 1280;

/**
 * What a page must pass at 375 px and at 1280 px, from one load: no serious or critical axe
 * finding and no sideways scroll at either width. Every axe rule runs at 375 px, the narrower and
 * more crowded layout; the viewport then widened to 1280 px, the rules that depend on the layout
 * (LAYOUT_RULES) run again: every other rule would give the same answer (on a report form of a
 * thousand inputs the full run costs a second more). A resized page is laid out as one loaded at
 * that width, as the pages' scripts never read the width. The findings by width, `{}` when none.
 */
export async function findingsAtBothWidths(
  page: Page,
  heights = { phone: 900, desktop: 900 },
): Promise<Record<string, Violation[] | string>> {
  const findings: Record<string, Violation[] | string> = {};
  for (const [width, height, rules] of [
    [PHONE_WIDTH, heights.phone, undefined],
    [DESKTOP_WIDTH, heights.desktop, LAYOUT_RULES],
  ] as const) {
    await page.setViewportSize({ width, height });
    const violations = await seriousViolations(page, rules);
    if (violations.length) findings[`${width} px`] = violations;
    const [scroll, client] = await scrollWidths(page);
    if (scroll > client) findings[`${width} px (cuộn ngang)`] = `${scroll} > ${client}`;
  }
  return findings;
}

/** The document's scroll width and client width: wider means the page scrolls sideways. */
export function scrollWidths(page: Page): Promise<[number, number]> {
  return page.evaluate(() => {
    // The browser's document, typed here since the project compiles without the DOM library.
    const root = (globalThis as unknown as { document: { documentElement: Record<string, number> } }).document
      .documentElement;
    return [root.scrollWidth ?? 0, root.clientWidth ?? 0] as [number, number];
  });
}

/**
 * Tabs `presses` times from the focused element and names each field that lands under the page's
 * sticky buttons (`.actions`): what a keyboard user could not see.
 */
export async function tabbedUnderStickyBar(page: Page, presses: number): Promise<string[]> {
  const covered: string[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const under = await page.evaluate(() => {
      interface Box {
        getBoundingClientRect(): { top: number; bottom: number };
        contains(other: unknown): boolean;
        getAttribute(name: string): string | null;
        tagName: string;
      }
      // The browser's document, typed here since the project compiles without the DOM library.
      const doc = (
        globalThis as unknown as {
          document: { activeElement: Box | null; querySelector(s: string): Box | null };
        }
      ).document;
      const field = doc.activeElement;
      const bar = doc.querySelector('.actions');
      if (!field || !bar || bar.contains(field)) return null;
      return field.getBoundingClientRect().bottom > bar.getBoundingClientRect().top
        ? (field.getAttribute('name') ?? field.tagName)
        : null;
    });
    if (under) covered.push(under);
  }
  return covered;
}
