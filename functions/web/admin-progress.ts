/**
 * Where each unit of a period stands, as the admin's dashboard shows it, and the unit table's
 * filters, sort, search and paging — pure functions over plain facts, so the page handler only
 * gathers the facts (docs/admin.md says from which items) and renders.
 *
 * The whole period is read once per view (one Query of its progress items; the counts per state
 * need every unit anyway), then filtered, sorted and paged here: at 1,000 units that is one page
 * of DynamoDB results and a few milliseconds of sorting.
 */
import type { Unit, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';

/** What a unit's report looks like in storage (the report aggregate's statuses). */
export type ReportState = 'draft' | 'submitted' | 'in-review' | 'returned' | 'explained' | 'approved';

/** A period's own state: before its opening, open for reports and review, closed at review close. */
export type PeriodState = 'scheduled' | 'open' | 'closed';

/** The states the dashboard shows, in the order a report moves through them. */
export const PROGRESS_STATES = [
  'not-invited',
  'invited',
  'draft',
  'submitted',
  'in-review',
  'returned',
  'explained',
  'approved',
  'not-reported',
  'not-appraised',
] as const;
export type ProgressState = (typeof PROGRESS_STATES)[number];

export const PROGRESS_LABELS: Record<ProgressState, string> = {
  'not-invited': 'Chưa mời',
  invited: 'Đã mời, chưa lập báo cáo',
  draft: 'Đang lập báo cáo',
  submitted: 'Đã nộp, chờ phân công thẩm định',
  'in-review': 'Đang thẩm định',
  returned: 'Trả lại để giải trình',
  explained: 'Đã giải trình, chờ thẩm định lại',
  approved: 'Đã phê duyệt',
  'not-reported': 'Không nộp báo cáo',
  'not-appraised': 'Chưa thẩm định',
};

/** The facts of one unit-period, as storage holds them (docs/admin.md, "Period progress"). */
export interface UnitProgressFacts {
  unit: Pick<Unit, 'id' | 'name' | 'group' | 'focalPoint'>;
  reportStatus?: ReportState;
  /** When the report last changed status (returned, explained, approved …). */
  statusChangedAt?: string;
  /** When the report was first submitted. */
  submittedAt?: string;
  invitedAt?: string;
  /** Set at the submission deadline for a unit that had not submitted. */
  lateAt?: string;
  reviewer?: { name: string; assignedAt?: string };
  /** The current review round (1, 2 …), when a review has started. */
  round?: number;
}

/** Who must act next for the unit-period to move on. */
export interface WaitingOn {
  party: 'unit' | 'reviewer' | 'system';
  /** The focal point's or reviewer's name; the step's name for the system. */
  who: string;
  since?: string;
}

/** `overdue`: the deadline passed without a submission; `submitted-late`: submitted after it. */
export type Lateness = 'overdue' | 'submitted-late';

export interface UnitRow {
  unitId: string;
  unitName: string;
  group: UnitGroup;
  state: ProgressState;
  lateness?: Lateness;
  waitingOn?: WaitingOn;
  reviewerName?: string;
  round?: number;
}

export const LATENESS_LABELS: Record<Lateness, string> = {
  overdue: 'Quá hạn nộp',
  'submitted-late': 'Nộp muộn',
};

/**
 * The state the admin sees. After review close a unit without a submitted report reads *Không nộp
 * báo cáo* and one submitted but not approved *Chưa thẩm định* (DOMAIN.md), whatever its report's
 * own status: the period is over for it.
 */
export function progressState(facts: UnitProgressFacts, period: PeriodState): ProgressState {
  const status = facts.reportStatus;
  if (period === 'closed') {
    if (!status || status === 'draft') return 'not-reported';
    return status === 'approved' ? 'approved' : 'not-appraised';
  }
  if (status) return status;
  return facts.invitedAt ? 'invited' : 'not-invited';
}

function waitingOn(facts: UnitProgressFacts, state: ProgressState): WaitingOn | undefined {
  const unit = { party: 'unit' as const, who: facts.unit.focalPoint.name };
  const reviewer = facts.reviewer
    ? { party: 'reviewer' as const, who: facts.reviewer.name }
    : { party: 'system' as const, who: 'Phân công người thẩm định' };
  const since = (at: string | undefined) => (at ? { since: at } : {});
  switch (state) {
    case 'invited':
    case 'draft':
      return { ...unit, ...since(facts.invitedAt) };
    case 'returned':
      return { ...unit, ...since(facts.statusChangedAt) };
    case 'submitted':
      return { ...reviewer, ...since(facts.submittedAt) };
    case 'in-review':
      return { ...reviewer, ...since(facts.reviewer?.assignedAt ?? facts.submittedAt) };
    case 'explained':
    case 'not-appraised':
      return { ...reviewer, ...since(facts.statusChangedAt) };
    default:
      return undefined;
  }
}

export function unitRow(facts: UnitProgressFacts, period: PeriodState): UnitRow {
  const state = progressState(facts, period);
  const waiting = waitingOn(facts, state);
  const lateness: Lateness | undefined = !facts.lateAt
    ? undefined
    : facts.submittedAt
      ? 'submitted-late'
      : 'overdue';
  return {
    unitId: facts.unit.id,
    unitName: facts.unit.name,
    group: facts.unit.group,
    state,
    ...(lateness ? { lateness } : {}),
    ...(waiting ? { waitingOn: waiting } : {}),
    ...(facts.reviewer ? { reviewerName: facts.reviewer.name } : {}),
    ...(facts.round !== undefined ? { round: facts.round } : {}),
  };
}

/** Units per state, the late ones and the total: what the period's summary shows. */
export interface ProgressCounts {
  byState: Record<ProgressState, number>;
  late: number;
  total: number;
}

export function countRows(rows: readonly UnitRow[]): ProgressCounts {
  const byState: Record<ProgressState, number> = {
    'not-invited': 0,
    invited: 0,
    draft: 0,
    submitted: 0,
    'in-review': 0,
    returned: 0,
    explained: 0,
    approved: 0,
    'not-reported': 0,
    'not-appraised': 0,
  };
  let late = 0;
  for (const r of rows) {
    byState[r.state] += 1;
    if (r.lateness) late += 1;
  }
  return { byState, late, total: rows.length };
}

// ---------------------------------------------------------------- the unit table's query

export const SORT_KEYS = ['name', 'state', 'since', 'group'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;

/** A state, or `late` (overdue or submitted late, whatever the state). */
export type StateFilter = ProgressState | 'late';

export interface UnitQuery {
  state?: StateFilter;
  group?: UnitGroup;
  /** Free text: unit name or id, focal point or reviewer; accents and case ignored. */
  q?: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export const DEFAULT_QUERY: UnitQuery = { sort: 'name', dir: 'asc', page: 1, size: 50 };
export const SEARCH_MAX = 100;

const isOneOf = <T extends string>(list: readonly T[], v: string | null): v is T =>
  v !== null && (list as readonly string[]).includes(v);

/**
 * The query of a GET form. A value the form could not have sent (a hand-edited URL) is dropped
 * and named in `ignored`, and the page shows the default for it: a filter never fails a page.
 */
export function parseUnitQuery(params: URLSearchParams): { query: UnitQuery; ignored: string[] } {
  const ignored: string[] = [];
  const query: UnitQuery = { ...DEFAULT_QUERY };
  const take = (name: string): string | null => {
    const v = params.get(name);
    return v === null || v === '' ? null : v;
  };
  const state = take('state');
  if (state !== null) {
    if (state === 'late' || isOneOf(PROGRESS_STATES, state)) query.state = state;
    else ignored.push('state');
  }
  const group = take('group');
  if (group !== null) {
    if (isOneOf(UNIT_GROUPS, group)) query.group = group;
    else ignored.push('group');
  }
  const q = take('q')?.trim();
  if (q) {
    if (q.length <= SEARCH_MAX) query.q = q;
    else ignored.push('q');
  }
  const sort = take('sort');
  if (sort !== null) {
    if (isOneOf(SORT_KEYS, sort)) query.sort = sort;
    else ignored.push('sort');
  }
  const dir = take('dir');
  if (dir !== null) {
    if (dir === 'asc' || dir === 'desc') query.dir = dir;
    else ignored.push('dir');
  }
  const page = take('page');
  if (page !== null) {
    if (/^[1-9]\d{0,5}$/.test(page)) query.page = Number(page);
    else ignored.push('page');
  }
  const size = take('size');
  if (size !== null) {
    if (PAGE_SIZES.some((s) => String(s) === size)) query.size = Number(size);
    else ignored.push('size');
  }
  return { query, ignored };
}

/** Lower case, accents and đ folded, so "phong tu phap" finds "Phòng Tư pháp". */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
const stateOrder = new Map<ProgressState, number>(PROGRESS_STATES.map((s, i) => [s, i]));

function compareRows(sort: SortKey): (a: UnitRow, b: UnitRow) => number {
  const byName = (a: UnitRow, b: UnitRow) =>
    collator.compare(a.unitName, b.unitName) || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);
  switch (sort) {
    case 'state':
      return (a, b) => (stateOrder.get(a.state) ?? 0) - (stateOrder.get(b.state) ?? 0) || byName(a, b);
    case 'group':
      return (a, b) => UNIT_GROUPS.indexOf(a.group) - UNIT_GROUPS.indexOf(b.group) || byName(a, b);
    case 'since':
      // Instants in one format compare as text; a unit nobody waits on sorts after every waiting one.
      return (a, b) => {
        const x = a.waitingOn?.since ?? '\uffff';
        const y = b.waitingOn?.since ?? '\uffff';
        return (x < y ? -1 : x > y ? 1 : 0) || byName(a, b);
      };
    default:
      return byName;
  }
}

export interface UnitPage {
  rows: UnitRow[];
  /** Rows matching the filters, over every page. */
  matched: number;
  page: number;
  pages: number;
  /** 1-based positions of the first and last row shown (0, 0 when none). */
  from: number;
  to: number;
}

/** Filters, searches, sorts and pages the period's rows. A page past the end shows the last one. */
export function selectUnitRows(rows: readonly UnitRow[], query: UnitQuery): UnitPage {
  const needle = query.q ? foldForSearch(query.q) : undefined;
  const matched = rows.filter((r) => {
    if (query.state === 'late' ? !r.lateness : query.state && r.state !== query.state) return false;
    if (query.group && r.group !== query.group) return false;
    if (!needle) return true;
    return [r.unitName, r.unitId, r.reviewerName ?? '', r.waitingOn?.who ?? ''].some((t) =>
      foldForSearch(t).includes(needle),
    );
  });
  const sorted = [...matched].sort(compareRows(query.sort));
  if (query.dir === 'desc') sorted.reverse();
  const pages = Math.max(1, Math.ceil(sorted.length / query.size));
  const page = Math.min(query.page, pages);
  const start = (page - 1) * query.size;
  const shown = sorted.slice(start, start + query.size);
  return {
    rows: shown,
    matched: sorted.length,
    page,
    pages,
    from: shown.length ? start + 1 : 0,
    to: start + shown.length,
  };
}

/** The query as URL parameters, defaults left out, so links stay short and canonical. */
export function queryParams(query: UnitQuery, change: Partial<UnitQuery> = {}): URLSearchParams {
  const q = { ...query, ...change };
  const out = new URLSearchParams();
  if (q.state) out.set('state', q.state);
  if (q.group) out.set('group', q.group);
  if (q.q) out.set('q', q.q);
  if (q.sort !== DEFAULT_QUERY.sort) out.set('sort', q.sort);
  if (q.dir !== DEFAULT_QUERY.dir) out.set('dir', q.dir);
  if (q.size !== DEFAULT_QUERY.size) out.set('size', String(q.size));
  if (q.page !== 1) out.set('page', String(q.page));
  return out;
}
