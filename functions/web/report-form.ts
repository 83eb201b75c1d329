/**
 * Reading a posted unit report form into a `Report` with every problem named by its field
 * (field names: report-fields.ts). Nothing here touches storage.
 *
 * What comes back is always a valid report, possibly partial: a value with a problem stays out of
 * it, with its message. A save or submit with problems stores nothing and shows the form again as
 * typed; saving "the valid part" as a draft (on request, or by the page's autosave) stores exactly
 * this report.
 */
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, Report } from '#domain/model';
import { type Problem, validateReport } from '#domain/report';
import type { FieldProblem } from './http.ts';
import { field, LIMITS, text, tooLong } from './report-fields.ts';
import { parseEntries } from './report-form-criteria.ts';
import { parseInitiatives, parseNominations, parseSelfCheck } from './report-form-extras.ts';
import { writeIdOf } from './write-id.ts';

export {
  DISCIPLINE_LABELS,
  dateForInput,
  FORM_LABELS,
  field,
  LIMITS,
  NOMINATION_FORMS,
  parseDate,
  parseHttpUrl,
  ROWS,
  SELF_CHECK_CONFIRM,
} from './report-fields.ts';

export type ReportAction = 'save' | 'save-valid' | 'submit' | 'explain';

const ACTIONS: readonly ReportAction[] = ['save', 'save-valid', 'submit', 'explain'];

export interface ParsedReportForm {
  action: ReportAction | undefined;
  /** The version the page was rendered with; undefined when missing or malformed. */
  version: number | undefined;
  /** The page's write id (a retried request carries the same one); undefined when absent. */
  writeId: string | undefined;
  /** Sent by the page's script: the answer is JSON, not a page. */
  autosave: boolean;
  /** Every valid value of the form; what has a problem is left out. */
  report: Report;
  problems: FieldProblem[];
}

export interface ReportFormContext {
  unitId: string;
  periodId: string;
  set: CriteriaSet;
  /** The stored report (for nominations' first-saved times and the files it already cites). */
  previous?: Report;
  /**
   * The round whose uploaded files the form may cite besides those the stored report cites
   * (docs/evidence.md, "Keys"); without it, only the files already cited.
   */
  evidenceRound?: number;
  now: Date;
  /** `submit`: every leaf, the self-check and its confirmation are required. */
  mode: 'draft' | 'submit';
}

/** Free texts: kept when short enough, else left out with their message. */
function freeText(
  form: URLSearchParams,
  name: 'summary' | 'response',
  problems: FieldProblem[],
): string | undefined {
  const value = text(form, name);
  const max = LIMITS[name];
  if (!tooLong(value, max)) return value || undefined;
  const what = name === 'summary' ? 'Phần tóm tắt' : 'Nội dung giải trình';
  problems.push({ field: name, message: `${what} dài quá ${max} ký tự.` });
  return undefined;
}

export function parseReportForm(form: URLSearchParams, ctx: ReportFormContext): ParsedReportForm {
  const { set } = ctx;
  const problems: FieldProblem[] = [];
  const index = indexCriteria(set);
  const actionRaw = form.get('action');
  const action = ACTIONS.find((a) => a === actionRaw);
  const versionRaw = form.get('version') ?? '';
  const version = /^\d{1,9}$/.test(versionRaw) ? Number(versionRaw) : undefined;
  const writeId = writeIdOf(form);

  const entries = parseEntries(form, index, problems, {
    unitId: ctx.unitId,
    periodId: ctx.periodId,
    round: ctx.evidenceRound ?? 0,
    ...(ctx.previous ? { previous: ctx.previous } : {}),
  });
  const initiatives = parseInitiatives(form, problems);
  const selfCheck = parseSelfCheck(form, ctx.mode, problems);
  const nominations = parseNominations(
    form,
    {
      unitId: ctx.unitId,
      now: ctx.now,
      mode: ctx.mode,
      previous: ctx.previous?.nominations ?? [],
      initiatives,
    },
    problems,
  );
  const summary = freeText(form, 'summary', problems);
  const response = freeText(form, 'response', problems);
  const report: Report = {
    unitId: ctx.unitId,
    periodId: ctx.periodId,
    criteriaSetId: set.id,
    entries,
    initiatives,
    ...(selfCheck ? { selfCheck } : {}),
    nominations,
    ...(summary ? { summary } : {}),
    ...(response ? { response } : {}),
  };

  // The domain's checks (ranges naming the criterion, completeness on submit); an entry out of
  // range leaves the report like any other value with a problem.
  const named = new Set(problems.map((p) => p.field));
  for (const p of validateReport(report, set, { mode: ctx.mode })) {
    const name = fieldOfProblem(p, index.leafById);
    if (p.criterionId && p.code !== 'missing-criterion') delete entries[p.criterionId];
    if (name && named.has(name)) continue; // already named by the form's own reading
    problems.push({ field: name, message: p.message });
  }
  return { action, version, writeId, autosave: form.get('autosave') === '1', report, problems };
}

function fieldOfProblem(p: Problem, leaves: ReadonlyMap<string, unknown>): string {
  const m = /^entries\.(.+?)(?:\.selfScore)?$/.exec(p.field);
  if (m?.[1] && leaves.has(m[1])) return field.score(m[1]);
  if (p.field.startsWith('selfCheck')) return 'selfcheck';
  return '';
}
