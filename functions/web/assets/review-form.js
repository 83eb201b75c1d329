/**
 * The reviewer's page's own script (served by the product: CSP `script-src 'self'`; no inline
 * script, no eval). The page works without it and then says the unit's self totals; with it, the
 * appraised total, each area's appraised subtotal, how many criteria are scored otherwise than the
 * unit did and how many score boxes are blank or refused are shown and follow the typing, computed
 * in integer hundredths exactly as the server reads scores (the report form's `parseHundredths`),
 * never in floats. What it counts, the server counts the same way (functions/web/review-progress.ts).
 * The pure helper is exported so that tests hold it to the server's rules.
 */
import { formatHundredths, parseHundredths } from './report-form.js';

/**
 * @typedef {{ area: string, max: number, self: number | undefined, text: string }} AppraisedLeaf
 * @typedef {{ appraised: number, unset: number, differ: number }} AppraisalTally
 */

/**
 * Sums per area and in all. A blank box, or one the server would refuse (a score above the
 * leaf's maximum included), is counted apart and not added; a valid score other than the unit's
 * own counts as scored otherwise.
 * @param {AppraisedLeaf[]} leaves
 * @returns {{ areas: Map<string, AppraisalTally>, all: AppraisalTally }}
 */
export function appraisalTally(leaves) {
  /** @type {Map<string, AppraisalTally>} */
  const areas = new Map();
  const all = { appraised: 0, unset: 0, differ: 0 };
  for (const leaf of leaves) {
    const t = areas.get(leaf.area) ?? { appraised: 0, unset: 0, differ: 0 };
    areas.set(leaf.area, t);
    const value = parseHundredths(leaf.text);
    const valid = typeof value === 'number' && value <= leaf.max;
    for (const sum of [t, all]) {
      if (!valid) sum.unset++;
      else {
        sum.appraised += value;
        if (value !== leaf.self) sum.differ++;
      }
    }
  }
  return { areas, all };
}

/**
 * @param {ParentNode} root
 * @param {string} selector
 * @param {string} text
 */
function setText(root, selector, text) {
  for (const el of root.querySelectorAll(selector)) el.textContent = text;
}

/** @param {HTMLFormElement} form */
function runningAppraisal(form) {
  const refresh = () => {
    /** @type {AppraisedLeaf[]} */
    const leaves = [];
    for (const input of form.querySelectorAll('input.score')) {
      if (!(input instanceof HTMLInputElement)) continue;
      const leaf = input.closest('.leaf[data-max]');
      const area = input.closest('section[data-area]');
      if (!(leaf instanceof HTMLElement) || !(area instanceof HTMLElement)) continue;
      const max = Number(leaf.dataset.max);
      const self = leaf.dataset.self === undefined ? undefined : Number(leaf.dataset.self);
      leaves.push({ area: area.dataset.area ?? '', max, self, text: input.value });
      const value = parseHundredths(input.value);
      input.classList.toggle('invalid-score', value === null || (value !== undefined && value > max));
    }
    const { areas, all } = appraisalTally(leaves);
    setText(document, '#tien-do [data-total]', formatHundredths(all.appraised));
    setText(document, '#tien-do [data-differ]', String(all.differ));
    setText(document, '#tien-do [data-unset]', String(all.unset));
    const wrap = document.querySelector('#tien-do [data-unset-wrap]');
    if (wrap instanceof HTMLElement) wrap.hidden = all.unset === 0;
    for (const [id, t] of areas) {
      const scopes = document.querySelectorAll(
        `[data-area="${CSS.escape(id)}"], [data-area-link="${CSS.escape(id)}"]`,
      );
      for (const scope of scopes) setText(scope, '[data-subtotal]', formatHundredths(t.appraised));
    }
  };
  form.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.classList.contains('score')) refresh();
  });
  refresh();
  // The figures are current from here on: show them, in place of what the page says without script.
  for (const el of document.querySelectorAll('[data-with-script]')) {
    if (el instanceof HTMLElement) el.hidden = false;
  }
  for (const el of document.querySelectorAll('[data-without-script]')) {
    if (el instanceof HTMLElement) el.hidden = true;
  }
}

if (typeof document !== 'undefined') {
  const form = document.getElementById('tham-dinh');
  if (form instanceof HTMLFormElement) runningAppraisal(form);
}
