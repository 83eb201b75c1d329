/**
 * The browser the e2e tests drive: Debian's chromium through playwright-core (TOOLCHAIN.md's
 * flags), axe-core's serious and critical findings, and whether a page scrolls sideways.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

export { CHROMIUM, haveBrowser, launchChromium } from '../helpers/chromium.ts';

const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    // axe-core's own global, added by the script tag just above.
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    // Only the violations are wanted: axe then skips collecting every passing node (most of its
    // time on a form of a thousand inputs) and reports the same violations.
    const { violations } = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    });
    return (
      violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
    )
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
  });
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
