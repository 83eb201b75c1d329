/**
 * The criteria part of the unit's report page: one section per reform area with its subtotal and
 * maximum, and per leaf the self-score, the explanation and the evidence (folded away while empty;
 * the filled rows and one blank, the script adding more on request, so 73 criteria do not make a
 * page of a thousand inputs), the reviewer's score and comment after a return, and then the
 * criteria the reviewer left alone folded (`ReturnedFolds`). Editable or read-only.
 */
import type { Appraisal, Area, CriteriaSet, Criterion, EvidenceRef, Report } from '#domain/model';
import { formatPoints } from '#domain/points';
import type { ReportChanges } from '#domain/report';
import { type DownloadLinks, fileList, filesOf, formFiles } from './evidence-files.ts';
import {
  e,
  externalLink,
  fieldId,
  fieldProblems,
  type Html,
  type ProblemMap,
  readOnlyText,
  textArea,
  textInput,
} from './pages.ts';
import { dateForInput, field, LIMITS, ROWS } from './report-fields.ts';
import type { AreaProgress, FormProgress } from './report-progress.ts';
import { rowCount, type Values } from './report-values.ts';

export interface CriteriaContext {
  set: CriteriaSet;
  report: Report | undefined;
  editable: boolean;
  problems: ProblemMap;
  /** Leaves claimed without the evidence their criterion requires. */
  flagged: ReadonlySet<string>;
  /** The last round's appraisal, shown beside each leaf after a return. */
  appraisal: Pick<Appraisal, 'entries'> | undefined;
  v: Values;
  progress: FormProgress;
  /** Leaves shown; the others stay in the form, hidden, so a save keeps them. */
  shown: (leafId: string) => boolean;
  /** How the page links downloads of uploaded files (none: names without links). */
  downloads?: DownloadLinks;
  /** After a return: which criteria stay open and what the unit changed (`returnedFolds`). */
  folds?: ReturnedFolds;
}

/**
 * What a returned report's form folds, to fit a phone (a report filled in full was ~139,000 px
 * tall at 375 px with every evidence block open) without hiding what the unit must act on: the
 * criteria the reviewer commented on or scored otherwise stay fully open; the others fold their
 * evidence block under its count and an explanation over LONG_TEXT characters under its first
 * words. A fold is open where it holds a field with a problem or a part the unit changed since the
 * reviewer saw the report; the browser opens one that find-in-page or a link's anchor lands in.
 */
export interface ReturnedFolds {
  /** Commented on, or appraised otherwise than the unit now claims. */
  open: ReadonlySet<string>;
  /** Per leaf, whether its explanation and its evidence changed since the return. */
  changed: ReadonlyMap<string, { explanation: boolean; evidence: boolean }>;
}

/** An explanation longer than this (in characters) folds on a returned report's quiet criteria. */
export const LONG_TEXT = 280;
const PREVIEW = 80;

export function returnedFolds(
  report: Report | undefined,
  appraisal: Pick<Appraisal, 'entries'>,
  changes: ReportChanges | undefined,
): ReturnedFolds {
  const open = new Set<string>();
  for (const [id, appraised] of Object.entries(appraisal.entries)) {
    const claimed = report?.entries[id]?.selfScore;
    if (appraised.comment.trim() !== '' || appraised.score !== claimed) open.add(id);
  }
  const changed = new Map(
    (changes?.leaves ?? []).map((c) => [
      c.leafId,
      { explanation: c.explanation, evidence: c.evidenceAdded + c.evidenceRemoved > 0 },
    ]),
  );
  return { open, changed };
}

/** "2 văn bản, 1 tệp", or "chưa có": what an evidence block holds, said on its fold. */
export function evidenceCount(refs: number, files: number): string {
  const parts = [refs ? `${refs} văn bản` : '', files ? `${files} tệp` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'chưa có';
}

/** The element id of an area's section: what the jump links point at. */
export function areaAnchor(areaId: string): string {
  return `linh-vuc-${areaId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** "Tự chấm 5,5 / 9 điểm · đã chấm 3/6 tiêu chí", with the figures the script updates marked. */
export function areaSummary(p: AreaProgress): Html {
  if (p.survey) {
    return `Tối đa ${e(formatPoints(p.max))} điểm, theo kết quả khảo sát`;
  }
  return `Tự chấm <strong data-subtotal>${e(formatPoints(p.subtotal))}</strong> / ${e(formatPoints(p.max))} điểm · đã chấm <strong data-scored>${e(p.scored)}</strong>/${e(p.leaves)} tiêu chí`;
}

const FLAG_TEXT = '⚠ Có tự chấm điểm nhưng chưa có minh chứng';

function leafIds(c: Criterion): string[] {
  return c.children?.length ? c.children.flatMap(leafIds) : [c.id];
}

function areaSection(area: Area, ctx: CriteriaContext): Html {
  const p = ctx.progress.areas.find((a) => a.id === area.id);
  const heading = `<h2>${e(area.id)}. ${e(area.name)}</h2>${p ? `<p class="area-sum">${areaSummary(p)}</p>` : ''}`;
  if (area.kind === 'survey') {
    return `<section class="area survey" id="${e(areaAnchor(area.id))}">${heading}
<p class="muted">Điểm lĩnh vực này lấy từ kết quả khảo sát sự hài lòng do Phòng Nội vụ ghi nhận; đơn vị không tự chấm.</p></section>`;
  }
  const visible = area.criteria.flatMap(leafIds).some(ctx.shown);
  return `<section class="area" id="${e(areaAnchor(area.id))}" data-area="${e(area.id)}"${visible ? '' : ' hidden'}>${heading}
${area.criteria.map((c) => criterionHtml(c, ctx)).join('\n')}</section>`;
}

export function criteriaSections(ctx: CriteriaContext): Html {
  return ctx.set.areas.map((area) => areaSection(area, ctx)).join('\n');
}

function criterionHtml(c: Criterion, ctx: CriteriaContext): Html {
  if (c.children && c.children.length > 0) {
    const visible = leafIds(c).some(ctx.shown);
    return `<div class="group"${visible ? '' : ' hidden'}><h3>${e(c.id)}. ${e(c.name)} <span class="muted">tối đa ${e(formatPoints(c.max))} điểm</span></h3>
${c.guidance ? `<p class="muted">${e(c.guidance)}</p>` : ''}
${c.children.map((child) => criterionHtml(child, ctx)).join('\n')}</div>`;
  }
  return leafHtml(c, ctx);
}

function leafHead(leaf: Criterion, ctx: CriteriaContext): Html {
  const appraised = ctx.appraisal?.entries[leaf.id];
  return `<div class="leaf-head"><span>${e(leaf.id)}. ${e(leaf.name)}</span><span class="max">Tối đa ${e(
    formatPoints(leaf.max),
  )} điểm</span></div>
${leaf.evidenceRequired ? '<span class="tag">Cần minh chứng</span>' : ''}
${leaf.guidance ? `<p class="muted">${e(leaf.guidance)}</p>` : ''}
${
  appraised
    ? `<div class="appraised"><strong>Điểm thẩm định: ${e(formatPoints(appraised.score))}</strong> / ${e(formatPoints(leaf.max))}${
        appraised.comment ? `<br>Nhận xét: ${e(appraised.comment)}` : ''
      }</div>`
    : ''
}
${flag(leaf, ctx)}`;
}

/**
 * "⚠ Có tự chấm điểm nhưng chưa có minh chứng" on a leaf claimed without the evidence it requires.
 * On the editable form every leaf requiring evidence carries it, hidden where it does not apply,
 * so that the page's script can show and hide it as the score and evidence are edited
 * (`lacksEvidence` in assets/report-form.js, the same rule); without script the page shows what
 * the server found, as before.
 */
function flag(leaf: Criterion, ctx: CriteriaContext): Html {
  const flagged = ctx.flagged.has(leaf.id);
  if (ctx.editable && leaf.evidenceRequired) {
    return `<p class="flag" data-flag${flagged ? '' : ' hidden'}>${FLAG_TEXT}</p>`;
  }
  return flagged ? `<p class="flag">${FLAG_TEXT}</p>` : '';
}

function leafHtml(leaf: Criterion, ctx: CriteriaContext): Html {
  const entry = ctx.report?.entries[leaf.id];
  const commented = Boolean(ctx.appraisal?.entries[leaf.id]?.comment.trim());
  const watched = ctx.editable && leaf.evidenceRequired ? ' data-evidence-required' : '';
  const attrs = `id="leaf-${e(leaf.id)}" data-max="${e(leaf.max)}"${watched}${commented ? ' data-commented' : ''}${ctx.shown(leaf.id) ? '' : ' hidden'}`;
  if (!ctx.editable) {
    return `<div class="leaf" ${attrs}>${leafHead(leaf, ctx)}
<p>Điểm tự chấm: <strong>${entry ? e(formatPoints(entry.selfScore)) : 'chưa chấm'}</strong></p>
${entry?.explanation ? `<p><strong>Giải thích:</strong></p>${readOnlyText(entry.explanation)}` : ''}
${evidenceList(entry?.evidence, ctx.downloads)}
</div>`;
  }
  const problem = [...ctx.problems.keys()].some(
    (k) =>
      k === field.score(leaf.id) ||
      k === field.explanation(leaf.id) ||
      k.startsWith(`evidence[${leaf.id}]`) ||
      k.startsWith(`file[${leaf.id}]`),
  );
  const fold = foldOf(leaf.id, ctx);
  return `<div class="leaf${problem ? ' has-problem' : ''}" ${attrs}>${leafHead(leaf, ctx)}
${textInput({
  name: field.score(leaf.id),
  label: `Điểm tự chấm (0 – ${formatPoints(leaf.max)})`,
  value: ctx.v(field.score(leaf.id), entry ? formatPoints(entry.selfScore) : ''),
  problems: ctx.problems,
  inputmode: 'decimal',
  className: 'score',
  // An example within the criterion's maximum (0,75, or the maximum when it is smaller).
  placeholder: `ví dụ ${formatPoints(Math.min(75, leaf.max))}`,
  maxlength: LIMITS.score,
})}
${explanationField(leaf.id, entry?.explanation, ctx, fold)}
${evidenceFields(leaf.id, entry?.evidence ?? [], ctx, problem, fold)}
</div>`;
}

/** A returned report's quiet criterion (neither commented nor scored otherwise): what may fold. */
type Fold = { explanation: boolean; evidence: boolean } | undefined;

function foldOf(leafId: string, ctx: CriteriaContext): Fold {
  if (!ctx.folds || ctx.folds.open.has(leafId)) return undefined;
  return ctx.folds.changed.get(leafId) ?? { explanation: false, evidence: false };
}

/**
 * The explanation box; on a quiet criterion of a returned report, one over LONG_TEXT characters
 * folds under its first words (the box stays in the form, so a save keeps it), open when the box
 * has a problem or the unit rewrote it since the return.
 */
function explanationField(
  leafId: string,
  stored: string | undefined,
  ctx: CriteriaContext,
  fold: Fold,
): Html {
  const name = field.explanation(leafId);
  const value = ctx.v(name, stored);
  const box = textArea({
    name,
    label: 'Giải thích',
    value,
    problems: ctx.problems,
    maxlength: LIMITS.explanation,
    rows: 2,
  });
  const chars = [...(value ?? '').trim()];
  if (!fold || chars.length <= LONG_TEXT) return box;
  const open = fold.explanation || ctx.problems.has(name);
  // Cut at a word's end, not inside one.
  const preview = chars
    .slice(0, PREVIEW)
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/\s\S*$/, '');
  return `<details class="long-text"${open ? ' open' : ''}><summary><strong>Giải thích</strong> (${e(
    String(chars.length).replace(/\B(?=(\d{3})+(?!\d))/g, '.'),
  )} ký tự)<span class="preview">: ${e(preview)}…</span></summary>${box}</details>`;
}

/**
 * The button that adds an evidence row, for the page's script (assets/report-form.js
 * `addEvidenceRows`): `hidden` until the script shows it, so that without script there is no
 * button that does nothing (the next blank row comes with the next save instead).
 */
const ADD_EVIDENCE_ROW = 'Thêm dòng minh chứng';

function addRowButton(leafId: string): Html {
  return `<div class="add-row" data-add-evidence="${e(leafId)}" hidden><button type="button" class="secondary">${ADD_EVIDENCE_ROW}</button></div>`;
}

/**
 * The evidence rows of a leaf: the filled ones and one blank (ROWS.evidenceMin), or the rows as
 * posted after a refusal, in a fold whose summary says what it holds ("Minh chứng: 2 văn bản,
 * 1 tệp"; the script keeps it current). On a form before any return, folded while there is
 * nothing in them and no problem; after a return (`fold`, a quiet criterion) folded unless a field
 * of it has a problem or the unit changed the evidence since; a commented one always open.
 */
function evidenceFields(
  leafId: string,
  stored: readonly EvidenceRef[],
  ctx: CriteriaContext,
  problem: boolean,
  fold: Fold,
): Html {
  const refs = stored.filter((ref) => !ref.file);
  const files = filesOf(stored);
  const pattern = new RegExp(`^evidence\\[${leafId.replace(/\./g, '\\.')}\\]\\[(\\d+)\\]`);
  const rows = rowCount(ctx.v, pattern, refs.length, ROWS.evidenceMin, ROWS.evidenceMax);
  const raw = ctx.v.raw;
  const typed = raw
    ? [...raw.entries()].filter(([k, value]) => pattern.test(k) && value.trim() !== '').length
    : refs.length;
  // What the fold says it holds: the rows with anything in them, and the files, as the form holds them.
  const filled = raw
    ? new Set(
        [...raw.entries()]
          .filter(([k, value]) => pattern.test(k) && value.trim() !== '')
          .map(([k]) => pattern.exec(k)?.[1]),
      ).size
    : refs.length;
  const fileKey = new RegExp(`^file\\[${leafId.replace(/\./g, '\\.')}\\]\\[\\d+\\]\\[key\\]$`);
  const fileCount = raw
    ? [...raw.entries()].filter(([k, value]) => fileKey.test(k) && value.trim() !== '').length
    : files.length;
  const html = Array.from({ length: rows }, (_, i) => evidenceRow(leafId, i, refs[i], ctx)).join('');
  // A problem with the rows as a whole (too many): the summary's link lands on the rows.
  const whole = fieldProblems(ctx.problems, field.evidenceRows(leafId));
  const anchor = whole.html ? ` id="${e(fieldId(field.evidenceRows(leafId)))}"` : '';
  const ownProblem = [...ctx.problems.keys()].some(
    (k) => k.startsWith(`evidence[${leafId}]`) || k.startsWith(`file[${leafId}]`),
  );
  const open = fold
    ? ownProblem || fold.evidence
    : ctx.folds
      ? true
      : typed > 0 || files.length > 0 || problem;
  // Folded, the block still says what it holds: a criterion that needs evidence and has none reads
  // so without opening it.
  return `<details class="evidence-rows"${anchor}${open ? ' open' : ''}><summary>Minh chứng: <span data-evidence-count>${e(
    evidenceCount(filled, fileCount),
  )}</span></summary>
<p class="muted">Dòng để trống được bỏ qua. Ngày viết dd/mm/yyyy; đường dẫn bắt đầu bằng http:// hoặc https://.</p>
${whole.html}${html}${addRowButton(leafId)}<div class="uploads" data-leaf="${e(leafId)}">${formFiles(leafId, files, ctx.v.raw, ctx.downloads)}</div></details>`;
}

function evidenceRow(leafId: string, row: number, ref: EvidenceRef | undefined, ctx: CriteriaContext): Html {
  const n = row + 1;
  const input = (
    part: keyof EvidenceRef,
    label: string,
    value: string | undefined,
    extra: Partial<Parameters<typeof textInput>[0]> = {},
  ) =>
    `<div${part === 'title' ? ' class="wide"' : ''}>${textInput({
      name: field.evidence(leafId, row, part),
      label: `${label} ${n}`,
      value: ctx.v(field.evidence(leafId, row, part), value),
      problems: ctx.problems,
      ...extra,
    })}</div>`;
  return `<div class="row ev">
${input('number', 'Số hiệu văn bản', ref?.number, { placeholder: '45/BC-UBND', maxlength: LIMITS.evidenceNumber })}
${input('date', 'Ngày ban hành', dateForInput(ref?.date), { placeholder: 'dd/mm/yyyy', maxlength: 10 })}
${input('issuer', 'Cơ quan ban hành', ref?.issuer, { maxlength: LIMITS.evidenceIssuer })}
${input('url', 'Đường dẫn', ref?.url, { type: 'url', inputmode: 'url', placeholder: 'https://', maxlength: LIMITS.url })}
${input('title', 'Trích yếu, tên minh chứng', ref?.title, { maxlength: LIMITS.evidenceTitle })}
</div>`;
}

/**
 * Evidence as a list: references (links are http(s) only and leak no referrer), then uploaded
 * files, linked for download when the page gives `downloads`.
 */
export function evidenceList(evidence: readonly EvidenceRef[] | undefined, downloads?: DownloadLinks): Html {
  const refs = (evidence ?? []).filter((ref) => !ref.file);
  const files = fileList(filesOf(evidence), downloads);
  if (refs.length === 0 && !files) return '<p class="muted">Minh chứng: không có</p>';
  if (refs.length === 0) return files;
  return `<p><strong>Minh chứng:</strong></p><ul class="evidence">${refs
    .map((ref) => {
      const parts = [
        ref.number ? `Số ${e(ref.number)}` : '',
        ref.date ? `ngày ${e(dateForInput(ref.date))}` : '',
        ref.issuer ? `của ${e(ref.issuer)}` : '',
      ].filter(Boolean);
      const title = ref.title ? `${parts.length ? ': ' : ''}${e(ref.title)}` : '';
      const said = `${parts.join(' ')}${title}`;
      // Only the parts present: a link alone is named, never left after a dash.
      const link = ref.url ? externalLink(ref.url) : '';
      return `<li>${said && link ? `${said} — ${link}` : said || (link ? `Đường dẫn: ${link}` : '')}</li>`;
    })
    .join('')}</ul>${files}`;
}
