/**
 * The report form's own script (served by the product: CSP `script-src 'self'`; no inline script,
 * no eval). The page works without it; with it:
 * - the running total, "đã chấm n/m" and each area's subtotal follow the typing, computed in
 *   integer hundredths exactly as the server reads scores (domain/points.ts), never in floats;
 * - the draft is saved a moment after typing stops, by the same request as the Save button plus
 *   `autosave=1` and `Accept: application/json` (docs/unit-pages.md); a conflict stops it and says
 *   so, leaving every typed value on the page; the values it left out are marked beside their
 *   fields and named in the status line; a page hidden or closed before the pause ends sends the
 *   pending save at once (`keepalive`);
 * - after a return, the "only commented criteria" view switches in place, keeping what was typed;
 * - where the page offers it, evidence files go straight to storage: presign → POST → verify;
 * - a criterion's "⚠ chưa có minh chứng" warning follows its score and evidence while they are
 *   edited, by the server's own rule (domain/report.ts missingEvidence on what the form posts);
 * - "Thêm dòng minh chứng" adds a blank evidence row to a criterion, up to the server's maximum.
 * The pure helpers are exported so that tests hold them to the server's rules.
 */

const DECIMAL = /^([+-]?)(\d+)(?:[.,](\d+))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A typed score as integer hundredths: undefined when blank, null when it is not a valid score
 * (the server refuses it too: no sign, at most two decimals after trailing zeros are dropped).
 * @param {string} text
 * @returns {number | null | undefined}
 */
export function parseHundredths(text) {
  const t = text.trim();
  if (t === '') return undefined;
  const m = DECIMAL.exec(t);
  if (!m) return null;
  let decimals = m[3] ?? '';
  while (decimals.length > 2 && decimals.endsWith('0')) decimals = decimals.slice(0, -1);
  if (decimals.length > 2) return null;
  const magnitude = BigInt(m[2] ?? '0') * 100n + BigInt(decimals.padEnd(2, '0') || '0');
  if (magnitude > MAX_SAFE) return null;
  if (m[1] === '-' && magnitude > 0n) return null;
  return Number(magnitude);
}

/**
 * Hundredths as the page writes points: decimal comma, no trailing zeros ("8,3", "9").
 * @param {number} hundredths
 * @returns {string}
 */
export function formatHundredths(hundredths) {
  const whole = Math.trunc(hundredths / 100);
  const cents = String(hundredths % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return cents ? `${whole},${cents}` : String(whole);
}

/**
 * @typedef {{ area: string, max: number, text: string }} LeafScore
 * @typedef {{ subtotal: number, scored: number, invalid: number }} Tally
 */

/**
 * Sums per area and in all. A score above its leaf's maximum is invalid, as on the server.
 * @param {LeafScore[]} leaves
 * @returns {{ areas: Map<string, Tally>, all: Tally }}
 */
export function tally(leaves) {
  /** @type {Map<string, Tally>} */
  const areas = new Map();
  const all = { subtotal: 0, scored: 0, invalid: 0 };
  for (const leaf of leaves) {
    const t = areas.get(leaf.area) ?? { subtotal: 0, scored: 0, invalid: 0 };
    areas.set(leaf.area, t);
    const value = parseHundredths(leaf.text);
    if (value === undefined) continue;
    for (const sum of [t, all]) {
      if (value === null || value > leaf.max) sum.invalid++;
      else {
        sum.scored++;
        sum.subtotal += value;
      }
    }
  }
  return { areas, all };
}

/**
 * What the server reads of the fields below (functions/web/report-fields.ts LIMITS and ROWS);
 * exported so that tests hold the two to the same numbers.
 */
export const EVIDENCE_RULES = {
  scoreLength: 20,
  numberLength: 100,
  titleLength: 500,
  urlLength: 2000,
  evidenceRows: 10,
  fileRows: 20,
};

/**
 * A field's value as the server reads it (report-fields.ts `text`).
 * @param {string | undefined} value
 */
function clean(value) {
  return (value ?? '').replace(/\r\n?/g, '\n').trim();
}

/**
 * Longer than `max` characters, counted as the server counts them (code points).
 * @param {string} value
 * @param {number} max
 */
function tooLong(value, max) {
  return [...value].length > max;
}

/**
 * An http(s) address with a host, as the server accepts an evidence link (report-fields.ts).
 * @param {string} value
 */
function isHttpUrl(value) {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The row numbers of the fields named `<prefix>[<leaf>][<i>][…]`, below `max`, as the server
 * collects them (report-fields.ts `rowIndexes`).
 * @param {Map<string, string>} fields
 * @param {string} prefix
 * @param {string} leaf
 * @param {number} max
 * @returns {number[]}
 */
function rowsOf(fields, prefix, leaf, max) {
  const pattern = new RegExp(`^${prefix}\\[${leaf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]\\[(\\d+)\\]\\[`);
  /** @type {Set<number>} */
  const rows = new Set();
  for (const name of fields.keys()) {
    const i = Number(pattern.exec(name)?.[1] ?? Number.NaN);
    if (Number.isSafeInteger(i) && i >= 0 && i < max) rows.add(i);
  }
  return [...rows];
}

/**
 * Whether the server would flag this criterion "⚠ Có tự chấm điểm nhưng chưa có minh chứng" for
 * these fields (domain/report.ts `missingEvidence` on the report `parseReportForm` reads): its
 * evidence is required, it has a valid self-score above 0 (not over its maximum), and no evidence
 * row has a document number, a valid link or a title, nor does it cite a file. A date or an issuer
 * alone is not evidence. A file row counts when it has a key: the page lists only files the product
 * accepted (cited already, or just uploaded and verified).
 * @param {{ id: string, max: number, required: boolean }} leaf
 * @param {Iterable<[string, string]>} entries the leaf's fields as the form posts them
 * @returns {boolean}
 */
export function lacksEvidence(leaf, entries) {
  if (!leaf.required) return false;
  /** @type {Map<string, string>} */
  const fields = new Map();
  for (const [name, value] of entries) if (!fields.has(name)) fields.set(name, value);
  const get = (/** @type {string} */ name) => clean(fields.get(name));
  const R = EVIDENCE_RULES;
  const score = get(`score[${leaf.id}]`);
  if (score === '' || score.length > R.scoreLength) return false;
  const value = parseHundredths(score);
  if (value === undefined || value === null || value === 0 || value > leaf.max) return false;
  for (const row of rowsOf(fields, 'evidence', leaf.id, R.evidenceRows)) {
    const part = (/** @type {string} */ p) => get(`evidence[${leaf.id}][${row}][${p}]`);
    const number = part('number');
    const url = part('url');
    const title = part('title');
    if (number && !tooLong(number, R.numberLength)) return false;
    if (url && url.length <= R.urlLength && isHttpUrl(url)) return false;
    if (title && !tooLong(title, R.titleLength)) return false;
  }
  for (const row of rowsOf(fields, 'file', leaf.id, R.fileRows)) {
    if (get(`file[${leaf.id}][${row}][key]`)) return false;
  }
  return true;
}

/** A field's element id, as pages.ts `fieldId` makes it. @param {string} name */
export function fieldIdOf(name) {
  return `f-${name.replace(/[^A-Za-z0-9_]+/g, '-').replace(/-+$/, '')}`;
}

/**
 * An evidence field's name moved to another row (report-fields.ts `field.evidence`).
 * @param {string} name @param {string} leaf @param {number} row
 */
export function evidenceFieldAt(name, leaf, row) {
  const part = /\[([a-z]+)\]$/.exec(name)?.[1] ?? '';
  return `evidence[${leaf}][${row}][${part}]`;
}

// ---------------------------------------------------------------- the page

/**
 * @param {ParentNode} root
 * @param {string} selector
 * @param {string} text
 */
function setText(root, selector, text) {
  for (const el of root.querySelectorAll(selector)) el.textContent = text;
}

/** @param {HTMLFormElement} form */
function runningTotal(form) {
  const refresh = () => {
    /** @type {LeafScore[]} */
    const leaves = [];
    for (const input of form.querySelectorAll('input.score')) {
      if (!(input instanceof HTMLInputElement)) continue;
      const leaf = input.closest('.leaf');
      const area = input.closest('section[data-area]');
      if (!(leaf instanceof HTMLElement) || !(area instanceof HTMLElement)) continue;
      const max = Number(leaf.dataset.max);
      leaves.push({ area: area.dataset.area ?? '', max, text: input.value });
      const value = parseHundredths(input.value);
      input.classList.toggle('invalid-score', value === null || (value !== undefined && value > max));
    }
    const { areas, all } = tally(leaves);
    setText(document, '#tien-do [data-total]', formatHundredths(all.subtotal));
    setText(document, '#tien-do [data-scored]', String(all.scored));
    setText(document, '#tien-do [data-invalid]', String(all.invalid));
    const wrap = document.querySelector('#tien-do [data-invalid-wrap]');
    if (wrap instanceof HTMLElement) wrap.hidden = all.invalid === 0;
    for (const [id, t] of areas) {
      const scopes = document.querySelectorAll(
        `[data-area="${CSS.escape(id)}"], [data-area-link="${CSS.escape(id)}"]`,
      );
      for (const scope of scopes) {
        setText(scope, '[data-subtotal]', formatHundredths(t.subtotal));
        setText(scope, '[data-scored]', String(t.scored));
      }
    }
  };
  form.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.classList.contains('score')) refresh();
  });
  refresh();
}

/** @param {HTMLFormElement} form */
function viewSwitch(form) {
  const links = document.querySelectorAll('a[data-view]');
  /** @param {string} view */
  const show = (view) => {
    const commented = view === 'commented';
    for (const leaf of form.querySelectorAll('.leaf[data-max]')) {
      if (!(leaf instanceof HTMLElement)) continue;
      leaf.hidden =
        commented && !leaf.hasAttribute('data-commented') && !leaf.classList.contains('has-problem');
    }
    for (const box of form.querySelectorAll('.group, section[data-area]')) {
      if (box instanceof HTMLElement) box.hidden = !box.querySelector('.leaf[data-max]:not([hidden])');
    }
    for (const item of document.querySelectorAll('[data-area-link]')) {
      if (!(item instanceof HTMLElement)) continue;
      const section = form.querySelector(`section[data-area="${CSS.escape(item.dataset.areaLink ?? '')}"]`);
      item.hidden = section instanceof HTMLElement && section.hidden;
    }
    for (const note of document.querySelectorAll('[data-view-note]')) {
      if (note instanceof HTMLElement) note.hidden = !commented;
    }
    for (const link of links) {
      if (link instanceof HTMLElement) link.toggleAttribute('aria-current', link.dataset.view === view);
    }
  };
  for (const link of links) {
    link.addEventListener('click', (event) => {
      if (!(link instanceof HTMLElement)) return;
      event.preventDefault();
      show(link.dataset.view ?? 'all');
    });
  }
}

/**
 * The "chưa có minh chứng" warning of each criterion that requires evidence follows what is typed
 * and uploaded there: the server drew it (hidden where it does not apply) and the script toggles
 * it, its text unchanged, when that criterion's fields change; a polite live region says so.
 * @param {HTMLFormElement} form
 */
function evidenceWarnings(form) {
  const news = document.createElement('p');
  news.className = 'visually-hidden';
  news.setAttribute('aria-live', 'polite');
  news.dataset.flagNews = '';
  form.append(news);
  /** @param {HTMLElement} leaf */
  const refresh = (leaf) => {
    const flag = leaf.querySelector('[data-flag]');
    if (!(flag instanceof HTMLElement)) return;
    const id = leaf.id.replace(/^leaf-/, '');
    /** @type {[string, string][]} */
    const fields = [];
    for (const input of leaf.querySelectorAll('input[name], textarea[name]')) {
      if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement) {
        if (!input.disabled) fields.push([input.name, input.value]);
      }
    }
    const show = lacksEvidence({ id, max: Number(leaf.dataset.max), required: true }, fields);
    if (flag.hidden !== show) return;
    flag.hidden = !show;
    news.textContent = show
      ? `Tiêu chí ${id}: ${flag.textContent ?? ''}`
      : `Tiêu chí ${id}: không còn cảnh báo thiếu minh chứng.`;
  };
  /** @param {Event} event */
  const changed = (event) => {
    const leaf =
      event.target instanceof Element ? event.target.closest('.leaf[data-evidence-required]') : null;
    if (leaf instanceof HTMLElement) refresh(leaf);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
}

/**
 * "2 văn bản, 1 tệp", or "chưa có": what an evidence block holds (report-criteria.ts
 * `evidenceCount`, the same words).
 * @param {number} refs @param {number} files
 */
export function evidenceCount(refs, files) {
  const parts = [refs ? `${refs} văn bản` : '', files ? `${files} tệp` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'chưa có';
}

/**
 * The folds of the page (a returned report folds the evidence and long explanations of the
 * criteria the reviewer left alone): each evidence fold's summary keeps saying what the block
 * holds as rows are typed and files uploaded or removed; a fold opens when a link's anchor lands
 * inside it (the browser opens it for find-in-page and, in Chromium, for the anchor too).
 * @param {HTMLFormElement} form
 */
function folds(form) {
  /** @param {Event} event */
  const recount = (event) => {
    const block = event.target instanceof Element ? event.target.closest('details.evidence-rows') : null;
    const count = block?.querySelector('[data-evidence-count]');
    if (!block || !count) return;
    let refs = 0;
    for (const row of block.querySelectorAll('.row.ev')) {
      const inputs = [...row.querySelectorAll('input')];
      if (inputs.some((input) => input instanceof HTMLInputElement && input.value.trim() !== '')) refs++;
    }
    const files = [...block.querySelectorAll('input[type="hidden"][name^="file["][name$="[key]"]')].filter(
      (input) => input instanceof HTMLInputElement && input.value !== '',
    ).length;
    count.textContent = evidenceCount(refs, files);
  };
  form.addEventListener('input', recount);
  form.addEventListener('change', recount);
  const openTarget = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    for (let fold = target?.closest('details'); fold; fold = fold.parentElement?.closest('details')) {
      if (fold instanceof HTMLDetailsElement && !fold.open) fold.open = true;
    }
    if (target?.closest('details')) target.scrollIntoView();
  };
  addEventListener('hashchange', openTarget);
  openTarget();
}

/**
 * A drawn evidence row copied to `row`: fields emptied and renamed, ids and labels following
 * ("Ngày ban hành 3"), problems left out.
 * @param {HTMLElement} model @param {string} leaf @param {number} row
 */
function blankEvidenceRow(model, leaf, row) {
  const copy = model.cloneNode(true);
  if (!(copy instanceof HTMLElement)) return undefined;
  for (const problem of copy.querySelectorAll('.problem')) problem.remove();
  /** @type {Map<string, string>} */
  const ids = new Map();
  for (const input of copy.querySelectorAll('input[name], textarea[name]')) {
    if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) continue;
    input.name = evidenceFieldAt(input.name, leaf, row);
    const id = fieldIdOf(input.name);
    ids.set(input.id, id);
    input.id = id;
    input.defaultValue = '';
    input.value = '';
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  for (const label of copy.querySelectorAll('label')) {
    label.htmlFor = ids.get(label.htmlFor) ?? label.htmlFor;
    label.textContent = (label.textContent ?? '').replace(/\d+$/, String(row + 1));
  }
  return copy;
}

/**
 * "Thêm dòng minh chứng", drawn hidden: shown here; a click adds a blank row numbered after the
 * last and focuses it; at the server's maximum the button goes and a note says why.
 * @param {HTMLFormElement} form
 */
function addEvidenceRows(form) {
  const max = EVIDENCE_RULES.evidenceRows;
  for (const wrap of form.querySelectorAll('[data-add-evidence]')) {
    const button = wrap.querySelector('button');
    const rows = wrap.parentElement;
    if (!(wrap instanceof HTMLElement) || !button || !rows) continue;
    const leaf = wrap.dataset.addEvidence ?? '';
    button.setAttribute('aria-label', `${button.textContent ?? ''}, tiêu chí ${leaf}`);
    const note = document.createElement('span');
    note.className = 'muted';
    note.setAttribute('aria-live', 'polite');
    wrap.append(note);
    const last = () => {
      const all = rows.querySelectorAll(':scope > .row.ev');
      const row = all[all.length - 1];
      return row instanceof HTMLElement ? row : undefined;
    };
    const next = () => {
      const name = last()?.querySelector('[name]')?.getAttribute('name') ?? '';
      const m = /\]\[(\d+)\]\[[a-z]+\]$/.exec(name);
      return m ? Number(m[1]) + 1 : 0;
    };
    const refresh = () => {
      const full = next() >= max;
      button.hidden = full;
      note.textContent = full ? `Đã đủ ${max} dòng minh chứng, số dòng tối đa của một tiêu chí.` : '';
    };
    button.addEventListener('click', () => {
      const model = last();
      const row = next();
      const copy = model && row < max ? blankEvidenceRow(model, leaf, row) : undefined;
      if (!model || !copy) return;
      model.after(copy);
      refresh();
      const first = copy.querySelector('input, textarea');
      if (first instanceof HTMLElement) first.focus();
    });
    refresh();
    wrap.hidden = false;
  }
}

/**
 * A random id for one write, so a retry of the same request is recognised as such.
 * @returns {string}
 */
function newWriteId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * @typedef {{ status: string, message: string, version?: number, savedAt?: string, problems?: { field: string, message: string }[] }} Answer
 */

/**
 * @param {Response} response
 * @returns {Promise<Answer | undefined>}
 */
async function answerOf(response) {
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return undefined;
  try {
    const value = await response.json();
    return value && typeof value.status === 'string' && typeof value.message === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The most a browser sends of a `keepalive` request's body (64 KiB, all such requests of the page
 * together): a request that outlives its page when it is closed.
 */
const KEEPALIVE_BYTES = 65536;

/** @param {string} text */
function byteLength(text) {
  return new TextEncoder().encode(text).length;
}

/**
 * The form's fields as the Save button posts them, plus the autosave marker.
 * @param {HTMLFormElement} form
 * @returns {URLSearchParams}
 */
function saveRequest(form) {
  const data = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') data.append(name, value);
  data.set('action', 'save');
  data.set('autosave', '1');
  return data;
}

/**
 * What a save request stores, without what changes from one request to the next.
 * @param {URLSearchParams} data
 */
function contentOf(data) {
  const content = new URLSearchParams(data);
  content.delete('version');
  content.delete('writeId');
  return content.toString();
}

/**
 * Posts a save; undefined when no usable answer came (network, a server error, not JSON).
 * `keepalive`: the page is going away, the request must outlive it (when its body is small enough).
 * @param {HTMLFormElement} form
 * @param {URLSearchParams} data
 * @param {boolean} [keepalive]
 * @returns {Promise<Answer | undefined>}
 */
async function postSave(form, data, keepalive = false) {
  try {
    const body = data.toString();
    // Not `form.action`: the form's buttons named "action" shadow that property.
    const response = await fetch(new URL(form.getAttribute('action') ?? '', location.href), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
      credentials: 'same-origin',
      redirect: 'manual',
      keepalive: keepalive && byteLength(body) <= KEEPALIVE_BYTES,
    });
    return response.status >= 500 ? undefined : await answerOf(response);
  } catch {
    return undefined;
  }
}

/**
 * Saves the draft a moment after typing stops, and at once when the page is hidden or closed;
 * stops, keeping every typed value, on a conflict.
 */
class Autosave {
  /**
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} version
   */
  constructor(form, version) {
    this.form = form;
    this.version = version;
    this.delay = Number(form.dataset.autosaveDelay) || 2000;
    this.status = document.querySelector('[data-autosave-status]');
    this.box = document.createElement('div');
    this.box.className = 'notice error';
    this.box.setAttribute('role', 'alert');
    this.box.hidden = true;
    form.prepend(this.box);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.dirty = false;
    this.stopped = false;
    /** @type {Promise<void> | undefined} */
    this.inFlight = undefined;
    /** @type {{ body: string, writeId: string } | undefined} A failed request: the same body again reuses its write id. */
    this.lastFailed = undefined;
    /** @type {(() => void)[]} How to take away the problem marks the last autosave added. */
    this.marks = [];
    /**
     * The form's content (version and write id aside) as the last autosave stored it in full: the
     * `change` a field fires when left, after its typing was saved, then sends nothing.
     * @type {string | undefined}
     */
    this.stored = undefined;
  }

  /** @param {string} text */
  say(text) {
    if (this.status) this.status.textContent = text;
  }

  /** @param {number} [after] */
  schedule(after = this.delay) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), after);
  }

  changed() {
    this.dirty = true;
    this.schedule();
  }

  /**
   * The page is hidden (closed, another tab, the phone locked): what was typed since the last save
   * goes now instead of after the pause, as a `keepalive` request that closing the page does not
   * cancel. The same request as any autosave (body, write id, version); when the page stays, its
   * answer is read as any other.
   */
  flush() {
    if (this.stopped || !this.dirty) return;
    clearTimeout(this.timer);
    void this.save(true);
  }

  /**
   * Closing the page with a save pending whose body is over the `keepalive` limit: that request
   * would be cancelled with the page, so the browser asks first ("Rời khỏi trang web?").
   * @param {BeforeUnloadEvent} event
   */
  leaving(event) {
    if (this.stopped || !(this.dirty || this.inFlight)) return;
    const data = saveRequest(this.form);
    data.set('writeId', newWriteId());
    if (byteLength(data.toString()) <= KEEPALIVE_BYTES) return;
    event.preventDefault();
    event.returnValue = true;
  }

  /**
   * @param {string} text
   * @param {HTMLElement[]} actions
   */
  stop(text, actions) {
    this.stopped = true;
    const p = document.createElement('p');
    p.textContent = text;
    this.box.replaceChildren(p, ...actions);
    this.box.hidden = false;
    this.say('Đã dừng tự động lưu.');
  }

  /**
   * After a conflict: keep the page's content as the newest version, or look at the other one.
   * @param {number} version
   * @returns {HTMLElement[]}
   */
  conflictActions(version) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = 'Lưu nội dung trên trang này thành bản mới nhất';
    button.addEventListener('click', () => {
      this.version.value = String(version);
      this.stopped = false;
      this.box.hidden = true;
      this.dirty = true;
      void this.save();
    });
    const open = document.createElement('a');
    open.href = location.href;
    open.target = '_blank';
    open.rel = 'noopener';
    open.textContent = 'Xem bản mới nhất trong thẻ mới';
    return [button, open];
  }

  /**
   * @param {boolean} [keepalive] the page is going away
   * @returns {Promise<void>}
   */
  async save(keepalive = false) {
    if (this.stopped || !this.dirty) return;
    if (this.inFlight) {
      await this.inFlight;
      return this.save(keepalive);
    }
    this.dirty = false;
    this.inFlight = this.send(keepalive);
    await this.inFlight;
    this.inFlight = undefined;
    if (this.dirty) this.schedule();
  }

  /** @param {boolean} keepalive */
  async send(keepalive) {
    const data = saveRequest(this.form);
    const content = contentOf(data);
    // Nothing changed since the last save (a field left after its typing was saved): a request
    // would only store the same content as a new version, and one sent as the page goes away
    // (a reload) could land after the new page read the version, so that its next save is refused
    // as "edited elsewhere".
    if (content === this.stored) return;
    const body = data.toString();
    const writeId = this.lastFailed?.body === body ? this.lastFailed.writeId : newWriteId();
    data.set('writeId', writeId);
    this.say('Đang lưu…');
    const answer = await postSave(this.form, data, keepalive);
    if (!answer) {
      this.lastFailed = { body, writeId };
      this.dirty = true;
      this.say('Chưa tự động lưu được, sẽ thử lại sau ít phút. Nội dung vẫn còn trên trang.');
      this.schedule(this.delay * 10);
      return;
    }
    this.lastFailed = undefined;
    // A partial save's content sent again stores the same valid part again: it counts as stored.
    this.stored = answer.status === 'saved' || answer.status === 'saved-partly' ? content : undefined;
    if (
      (answer.status === 'saved' || answer.status === 'saved-partly') &&
      typeof answer.version === 'number'
    ) {
      this.version.value = String(answer.version);
      // The page's heading names the stored version and its time too: keep them saying the same.
      const shown = document.querySelector('[data-stored-version]');
      if (shown) shown.textContent = String(answer.version);
      const at = document.querySelector('[data-stored-at]');
      if (at && answer.savedAt) at.textContent = answer.savedAt;
      const stored = document.querySelector('[data-stored]');
      if (stored instanceof HTMLElement) stored.hidden = false;
      // A report saved for the first time is a draft from now on.
      const unsaved = document.querySelector('.badge.new[data-saved-label]');
      if (unsaved instanceof HTMLElement) {
        unsaved.textContent = unsaved.dataset.savedLabel ?? '';
        unsaved.className = 'badge draft';
      }
      const named = this.markProblems(answer.status === 'saved-partly' ? (answer.problems ?? []) : []);
      this.say(answer.message);
      if (named.length > 0 && this.status) {
        // "…; 2 mục còn lỗi chưa được lưu: Tiêu chí 1.2.2 – Ngày ban hành 1, …", each a link.
        const list = named.flatMap((part, i) => (i === 0 ? [part] : [', ', part]));
        this.status.replaceChildren(`${answer.message.replace(/\.$/, '')}: `, ...list, '.');
      }
    } else if (answer.status === 'conflict' && typeof answer.version === 'number') {
      this.stop(answer.message, this.conflictActions(answer.version));
    } else {
      this.stop(answer.message, []);
    }
  }

  /**
   * The values an autosave left out, marked as the server marks them after a click on Save
   * (pages.ts `fieldProblems`): the field `aria-invalid` and described by its message in a
   * `.problem` paragraph after it, its criterion `.has-problem`. The marks of the autosave before
   * are taken away first; marks the server drew itself stay. A problem without a field of its own
   * on the page (a criterion's rows as a whole) is written in its criterion.
   * @param {{ field: string, message: string }[]} problems
   * @returns {(HTMLElement | string)[]} each problem's name for the status line: a link to it
   */
  markProblems(problems) {
    for (const undo of this.marks.splice(0)) undo();
    /** @type {Map<string, string[]>} */
    const byField = new Map();
    for (const p of problems) byField.set(p.field, [...(byField.get(p.field) ?? []), p.message]);
    /** @type {(HTMLElement | string)[]} */
    const named = [];
    for (const [field, messages] of byField) {
      const id = fieldIdOf(field);
      const leafId = /^(?:score|explanation|evidence|file)\[([^\]]+)\]/.exec(field)?.[1];
      const leaf = leafId ? document.getElementById(`leaf-${leafId}`) : null;
      const found = field ? document.getElementById(id) : null;
      const control =
        (found instanceof HTMLInputElement && found.type !== 'hidden') ||
        found instanceof HTMLTextAreaElement ||
        found instanceof HTMLSelectElement
          ? found
          : undefined;
      /** @type {HTMLElement | undefined} */
      let target = found ?? undefined;
      if (control && control.getAttribute('aria-invalid') !== 'true') {
        const note = this.problemNote(`${id}-loi`, messages);
        const described = control.getAttribute('aria-describedby');
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', note.id);
        control.after(note);
        this.marks.push(() => {
          note.remove();
          control.removeAttribute('aria-invalid');
          if (described === null) control.removeAttribute('aria-describedby');
          else control.setAttribute('aria-describedby', described);
        });
      } else if (!found && leaf) {
        const note = this.problemNote(id, messages);
        note.tabIndex = -1; // the status line's link lands on it
        const rows = leaf.querySelector('.evidence-rows');
        const first = rows?.querySelector('.row.ev');
        if (first) first.before(note);
        else leaf.append(note);
        this.marks.push(() => note.remove());
        target = note;
      }
      if (leaf && !leaf.classList.contains('has-problem')) {
        leaf.classList.add('has-problem');
        this.marks.push(() => leaf.classList.remove('has-problem'));
      }
      const folded = target?.closest('details');
      if (folded) folded.open = true;
      const label = control
        ? document.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent
        : '';
      const name = label ? (leafId ? `Tiêu chí ${leafId} – ${label}` : label) : messages.join(' ');
      if (!target) {
        named.push(name);
        continue;
      }
      const link = document.createElement('a');
      link.href = `#${target.id}`;
      link.textContent = name;
      const to = target;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        // In the middle of the screen, clear of the bar that stays on top.
        to.scrollIntoView({ block: 'center' });
        to.focus({ preventScroll: true });
      });
      named.push(link);
    }
    return named;
  }

  /**
   * A field's messages as the server writes them under it: `<p class="problem" id>` with `<br>`s.
   * @param {string} id
   * @param {string[]} messages
   */
  problemNote(id, messages) {
    const note = document.createElement('p');
    note.className = 'problem';
    note.id = id;
    note.append(...messages.flatMap((m, i) => (i === 0 ? [m] : [document.createElement('br'), m])));
    return note;
  }

  /**
   * A click on Save or Submit waits for an autosave in flight, so it carries the new version.
   * @param {SubmitEvent} event
   */
  submitting(event) {
    clearTimeout(this.timer);
    this.dirty = false;
    this.stopped = true;
    const pending = this.inFlight;
    if (!pending) return;
    event.preventDefault();
    const submitter = event.submitter instanceof HTMLElement ? event.submitter : null;
    void pending.then(() => this.form.requestSubmit(submitter));
  }
}

/** @param {HTMLFormElement} form */
function autosave(form) {
  const version = form.querySelector('input[name="version"]');
  if (!(version instanceof HTMLInputElement)) return;
  const saver = new Autosave(form, version);
  form.addEventListener('input', () => saver.changed());
  form.addEventListener('change', () => saver.changed());
  form.addEventListener('submit', (event) => saver.submitting(event));
  addEventListener('pagehide', () => saver.flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saver.flush();
  });
  addEventListener('beforeunload', (event) => saver.leaving(event));
  saver.say('Bản nháp được tự động lưu khi bạn nhập.');
}

// ---------------------------------------------------------------- evidence files

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.pptx';

/**
 * @param {string} url
 * @param {Record<string, string>} fields
 * @returns {Promise<any>}
 */
async function postJson(url, fields) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
    credentials: 'same-origin',
    redirect: 'manual',
  });
  const answer = await answerOf(response);
  if (!answer) throw new Error('Máy chủ không trả lời; hãy thử lại sau ít phút.');
  return answer;
}

/**
 * "1,2 MB" or "340 KB", as the page writes a file's size (functions/web/evidence-files.ts fileSize).
 * @param {number} bytes
 */
export function sizeText(bytes) {
  if (bytes < 1048576) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(Math.round((bytes / 1048576) * 10) / 10).toLocaleString('vi-VN')} MB`;
}

/**
 * The POST to storage, with its progress: `fetch` reports none while sending, so XMLHttpRequest.
 * Resolves with S3's error code ('' when stored).
 * @param {string} url
 * @param {FormData} body
 * @param {(percent: number) => void} progress
 * @returns {Promise<string>}
 */
function postToStorage(url, body, progress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress(Math.floor((event.loaded / event.total) * 100));
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) resolve('');
      else resolve(/<Code>([^<]*)<\/Code>/.exec(request.responseText)?.[1] ?? 'Unknown');
    });
    request.addEventListener('error', () =>
      reject(new Error('Mất kết nối khi tải tệp lên; hãy kiểm tra mạng rồi chọn lại tệp.')),
    );
    request.send(body);
  });
}

/**
 * A remove button for a listed file: taking the item out takes its fields out of the form.
 * @param {HTMLFormElement} form
 * @param {HTMLLIElement} item
 */
function removable(form, item) {
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'secondary';
  remove.textContent = 'Bỏ tệp';
  remove.addEventListener('click', () => {
    // Told from the list, inside the criterion: its warning and the autosave (on the form) hear it.
    const list = item.parentElement ?? form;
    item.remove();
    list.dispatchEvent(new Event('change', { bubbles: true }));
  });
  item.append(' ', remove);
}

/**
 * One file: sign, upload straight to storage, verify; the accepted file joins the form.
 * @param {HTMLFormElement} form
 * @param {string} leaf
 * @param {File} file
 * @param {HTMLUListElement} list
 * @param {number} index
 * @param {(text: string) => void} say
 */
async function uploadOne(form, leaf, file, list, index, say) {
  const presignUrl = form.dataset.presignUrl ?? '';
  const verifyUrl = form.dataset.verifyUrl ?? '';
  const signed = await postJson(presignUrl, {
    leaf,
    fileName: file.name,
    contentType: file.type,
    size: String(file.size),
  });
  if (signed.status !== 'ready') throw new Error(signed.message);
  const body = new FormData();
  for (const [name, value] of Object.entries(signed.fields ?? {})) body.append(name, String(value));
  body.append('file', file);
  const code = await postToStorage(signed.url, body, (percent) =>
    say(`Đang tải lên ${file.name}: ${percent} %`),
  );
  if (code) {
    throw new Error(
      code === 'EntityTooLarge'
        ? 'Tệp lớn hơn 20 MB nên không tải lên được.'
        : 'Kho lưu trữ không nhận tệp (liên kết tải lên có thể đã hết hạn); hãy chọn lại tệp.',
    );
  }
  say(`Đang kiểm tra ${file.name}…`);
  const checked = await postJson(verifyUrl, { leaf, key: signed.key });
  if (checked.status !== 'accepted') throw new Error(checked.message);
  const f = checked.file;
  const item = document.createElement('li');
  item.dataset.file = '';
  const label = document.createElement('span');
  label.textContent = `${file.name} (${sizeText(f.size ?? file.size)})`;
  item.append(label);
  for (const [part, value] of [
    ['key', f.key],
    ['version', f.versionId ?? ''],
    ['name', file.name],
    ['size', String(f.size ?? file.size)],
    ['type', f.contentType ?? file.type],
  ]) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = `file[${leaf}][${index}][${part}]`;
    input.value = value;
    item.append(input);
  }
  removable(form, item);
  list.append(item);
  list.dispatchEvent(new Event('change', { bubbles: true }));
}

/** @param {HTMLFormElement} form */
function uploads(form) {
  if (!form.dataset.presignUrl || !form.dataset.verifyUrl) return;
  if (typeof fetch !== 'function' || typeof FormData !== 'function' || typeof File !== 'function') return;
  for (const mount of form.querySelectorAll('.uploads[data-leaf]')) {
    if (!(mount instanceof HTMLElement)) continue;
    const leaf = mount.dataset.leaf ?? '';
    const id = `tep-${leaf.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent =
      'Tải tệp minh chứng: PDF, ảnh JPEG hoặc PNG, Word, Excel, PowerPoint; tối đa 20 MB mỗi tệp';
    const input = document.createElement('input');
    input.type = 'file';
    input.id = id;
    input.accept = ACCEPT;
    input.multiple = true;
    // The page lists the files already cited; new ones are numbered after them.
    const listed = mount.querySelector('ul.files');
    const list = listed instanceof HTMLUListElement ? listed : document.createElement('ul');
    list.className = 'files';
    let next = list.children.length;
    for (const item of list.querySelectorAll('li[data-file]')) {
      if (item instanceof HTMLLIElement) removable(form, item);
    }
    const note = document.createElement('p');
    note.className = 'upload-status';
    note.setAttribute('aria-live', 'polite');
    const say = (/** @type {string} */ text) => {
      note.textContent = text;
    };
    input.addEventListener('change', async (event) => {
      event.stopPropagation();
      const files = [...(input.files ?? [])];
      input.value = '';
      for (const file of files) {
        say(`Đang tải lên ${file.name}…`);
        try {
          await uploadOne(form, leaf, file, list, next++, say);
          say(`Đã tải lên và kiểm tra ${file.name}.`);
        } catch (error) {
          say(`${file.name}: ${error instanceof Error ? error.message : 'không tải lên được.'}`);
        }
      }
    });
    mount.prepend(label, input);
    mount.append(list, note);
  }
}

if (typeof document !== 'undefined') {
  const form = document.getElementById('bao-cao');
  if (form instanceof HTMLFormElement) {
    runningTotal(form);
    evidenceWarnings(form);
    addEvidenceRows(form);
    // What the page says to a browser without script (save to get another row): not to this one.
    for (const note of form.querySelectorAll('[data-without-script]'))
      if (note instanceof HTMLElement) note.hidden = true;
    viewSwitch(form);
    folds(form);
    autosave(form);
    uploads(form);
  }
}
