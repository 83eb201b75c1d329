/**
 * Commendation pages: the cycles (a year, the phase, a new vote after one without quorum), and
 * one cycle — every candidate with its status and reasons, the council's tally when the vote has
 * closed, the final list, the documents to file (tờ trình with its list, biên bản kiểm phiếu),
 * and, after a vote without quorum, the way to call a new one.
 */
import { COMMENDATION_DELAY_DAYS } from '#domain/calendar';
import type { Candidate, Proposal } from '#domain/commendation-model';
import type { Tally } from '#domain/council';
import { FINAL_STATUS_LABELS, type FinalList } from '#domain/final-list';
import { FLAG_LABELS, type IsoInstant, UNIT_GROUPS, type UnitGroup } from '#domain/model';
import { type AdminFrame, adminPage, groupTitles, option, scrollTable } from './admin-frame.ts';
import { parseUnitQuery, SEARCH_MAX } from './admin-progress.ts';
import { adminHref } from './admin-routes.ts';
import { unitMatches } from './admin-units.ts';
import { dateTime, e, type Html, periodLabel } from './pages.ts';

export type CycleState = 'voting' | 'tallied' | 'no-quorum' | 'no-candidates';

export interface CycleSummary {
  cycleId: string;
  /** "Năm 2024", "Giai đoạn 2022–2025", "Năm 2023, bỏ phiếu lần 2". */
  label: string;
  state: CycleState;
  closesAt?: IsoInstant;
}

/**
 * What may still change under a proposal, or changed after it was made (proposalWatch in
 * functions/http/admin-commendation-data.ts): the proposal itself is never recomputed.
 */
export interface ProposalWatch {
  /** Periods still accepting late appraisals, each with the units whose reports wait for one. */
  late: { periodId: string; until: IsoInstant; waiting: string[] }[];
  /** Periods whose results have a version newer than the one the proposal used. */
  recomputed: { periodId: string; version: number; latest: number }[];
}

export interface CommendationIndexModel {
  frame: AdminFrame;
  cycles: CycleSummary[];
}

export interface CycleModel {
  frame: AdminFrame;
  cycle: CycleSummary;
  proposal: Proposal;
  /** After the vote closed. */
  tally?: Tally;
  final?: FinalList;
  /** Council member names by id. */
  members: readonly { id: string; name: string }[];
  /** When the proposal was made, and what may still change, or changed, under it. */
  proposedAt?: IsoInstant;
  watch?: ProposalWatch;
  /** While the vote is open: who has cast a ballot, and the quorum. */
  turnout?: {
    members: readonly { id: string; name: string; castAt?: string; remindedAt?: string }[];
    quorumRequired: number;
    /** When the workflow will remind those who have not voted, while that is still ahead. */
    remindAt?: string;
  };
  /** Which candidates the table shows (`?status=&group=&q=`); absent: DEFAULT_CANDIDATE_QUERY. */
  query?: CandidateQuery;
  /** Query parameters dropped as the form could not have sent them (parseCandidateQuery). */
  ignored?: readonly string[];
}

// ---------------------------------------------------------------- the candidates table's query

/**
 * Which candidates by status: `proposed`, every one the proposal puts forward (đề nghị, đề nghị
 * cấp trên, đồng hạng tại ngưỡng for the council), `excluded` (không đề nghị), or `all`.
 */
export const CANDIDATE_STATUS_FILTERS = ['proposed', 'excluded', 'all'] as const;
export type CandidateStatusFilter = (typeof CANDIDATE_STATUS_FILTERS)[number];

const STATUS_FILTER_LABELS: Record<CandidateStatusFilter, string> = {
  proposed: 'Được đề xuất',
  excluded: 'Không đề nghị',
  all: 'Tất cả',
};

export interface CandidateQuery {
  status: CandidateStatusFilter;
  group?: UnitGroup;
  /** A part of the candidate's name or its unit's, accents and case ignored. */
  q?: string;
}

/**
 * Only the proposed at first: a province's table lists its 150-odd units, most of them not
 * proposed, and what the office checks before the vote is who is put forward and why.
 */
export const DEFAULT_CANDIDATE_QUERY: CandidateQuery = { status: 'proposed' };

/**
 * The cycle page's GET form, read as the period page reads its own (parseUnitQuery: the group
 * and the search box the same way): a value the form could not have sent is dropped, named in
 * `ignored`, and its default shown — a filter never fails a page.
 */
export function parseCandidateQuery(params: URLSearchParams): {
  query: CandidateQuery;
  ignored: string[];
} {
  const unit = parseUnitQuery(new URLSearchParams([...params].filter(([k]) => k === 'group' || k === 'q')));
  const query: CandidateQuery = {
    ...DEFAULT_CANDIDATE_QUERY,
    ...(unit.query.group ? { group: unit.query.group } : {}),
    ...(unit.query.q ? { q: unit.query.q } : {}),
  };
  const ignored = [...unit.ignored];
  const status = params.get('status');
  if (status) {
    if ((CANDIDATE_STATUS_FILTERS as readonly string[]).includes(status)) {
      query.status = status as CandidateStatusFilter;
    } else ignored.push('status');
  }
  return { query, ignored };
}

const isProposed = (c: Pick<Candidate, 'status'>) => c.status !== 'excluded';

/**
 * The candidates the table shows, in the proposal's order: by status, group, and a name typed
 * with or without accents (unitMatches, as the units page searches) — the candidate's own name
 * and, for a person, the unit's.
 */
export function selectCandidates<C extends Candidate>(candidates: readonly C[], query: CandidateQuery): C[] {
  return candidates.filter(
    (c) =>
      (query.status === 'all' || (query.status === 'proposed') === isProposed(c)) &&
      (!query.group || c.group === query.group) &&
      unitMatches({ id: c.unitId, name: `${c.name} ${c.unitName}` }, query.q ?? ''),
  );
}

function candidateHref(cycleId: string, query: CandidateQuery): string {
  const params = new URLSearchParams();
  if (query.status !== DEFAULT_CANDIDATE_QUERY.status) params.set('status', query.status);
  if (query.group) params.set('group', query.group);
  if (query.q) params.set('q', query.q);
  const search = params.toString();
  return `${adminHref.cycle(cycleId)}${search ? `?${search}` : ''}#de-xuat`;
}

const STATE_LABELS: Record<CycleState, string> = {
  voting: 'Đang bỏ phiếu',
  tallied: 'Đã kiểm phiếu',
  'no-quorum': 'Không đủ số thành viên tham gia',
  'no-candidates': 'Không có trường hợp để biểu quyết',
};

const CANDIDATE_STATUS: Record<Proposal['candidates'][number]['status'], string> = {
  'propose-upward': 'Đề nghị cấp trên',
  proposed: 'Đề nghị',
  'tie-at-cutoff': 'Đồng hạng tại ngưỡng, Hội đồng xét',
  excluded: 'Không đề nghị',
};

export function renderCommendationIndex(m: CommendationIndexModel): Html {
  const body = `<h1>Khen thưởng</h1>
${
  m.cycles.length === 0
    ? `<p>Chưa có đợt xét khen thưởng nào. Đợt xét của mỗi năm bắt đầu ${COMMENDATION_DELAY_DAYS} ngày sau khi kết thúc thẩm định kỳ cuối cùng của năm; đợt xét cả giai đoạn, ${COMMENDATION_DELAY_DAYS} ngày sau khi kết thúc thẩm định kỳ cuối cùng của giai đoạn.</p>`
    : `<ul>${m.cycles
        .map(
          (c) =>
            `<li><a href="${e(adminHref.cycle(c.cycleId))}">${e(c.label)}</a> – ${e(STATE_LABELS[c.state])}${
              c.closesAt && c.state !== 'no-candidates' ? `, hạn bỏ phiếu ${e(dateTime(c.closesAt))}` : ''
            }</li>`,
        )
        .join('')}</ul>`
}`;
  return adminPage(m.frame, { title: 'Khen thưởng', current: 'commendation', body });
}

/**
 * A candidate's status as the table reads it: a unit excluded because its report was not yet
 * appraised says so, since "Không đề nghị" alone reads as a judgment of its results.
 */
function statusText(c: Proposal['candidates'][number]): string {
  if (c.status === 'excluded' && c.reasons.some((r) => r.code === 'flag-chua-tham-dinh')) {
    return `${CANDIDATE_STATUS.excluded} (${FLAG_LABELS['chua-tham-dinh'].toLowerCase()})`;
  }
  return CANDIDATE_STATUS[c.status];
}

/** Column headings, also each cell's label where a phone stacks the rows (`table.stack`). */
const CANDIDATE_COLUMNS = ['Ứng viên', 'Hình thức', 'Tỷ lệ điểm (%)', 'Đề xuất', 'Lý do'] as const;

function candidatesTable(p: Proposal, shown: readonly Candidate[]): Html {
  const [, form, percent, status, reasons] = CANDIDATE_COLUMNS;
  const rows = shown
    .map(
      (c) =>
        `<tr><th scope="row">${e(c.name)}${c.kind === 'individual' ? `<br><span class="muted">${e(c.unitName)}</span>` : ''}</th><td data-label="${form}">${e(
          c.formLabel,
        )}</td><td class="num" data-label="${percent}">${e(c.percent ?? '—')}</td><td data-label="${status}">${e(
          statusText(c),
        )}</td><td data-label="${reasons}">${c.reasons.map((r) => e(r.message)).join('<br>')}</td></tr>`,
    )
    .join('\n');
  // Who is left out of the n of "Xếp hạng r/n": DOMAIN.md ranks a unit without a report last,
  // and does not rank one not yet appraised.
  const rankNote = p.candidates.some((c) => c.reasons.some((r) => r.code === 'ranking'))
    ? `<p class="muted">Trong “Xếp hạng r/n”, n là số đơn vị được xếp hạng trong khối: gồm cả đơn vị ${e(
        FLAG_LABELS['khong-nop-bao-cao'].toLowerCase(),
      )} (xếp cuối khối), không gồm đơn vị ${e(FLAG_LABELS['chua-tham-dinh'].toLowerCase())}.</p>`
    : '';
  if (shown.length === 0) return rankNote;
  return `${rankNote}${scrollTable(
    'Ứng viên',
    `<table class="stack"><caption class="visually-hidden">Ứng viên và lý do</caption>
<thead><tr>${CANDIDATE_COLUMNS.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table>`,
  )}`;
}

/**
 * The candidates: how many the proposal puts forward and leaves out (each a link to those
 * alone), the GET form that filters them by status, group and name, what it found, and the table.
 */
function candidatesSection(m: CycleModel): Html {
  const all = m.proposal.candidates;
  const query = m.query ?? DEFAULT_CANDIDATE_QUERY;
  const cycleId = m.cycle.cycleId;
  const titles = groupTitles(m.frame.groupLabels);
  const shown = selectCandidates(all, query);
  const proposed = all.filter(isProposed).length;
  const count = (status: CandidateStatusFilter, n: number) => {
    const label = `${STATUS_FILTER_LABELS[status]}: <strong>${n}</strong>`;
    return status === query.status && !query.group && !query.q
      ? `<li aria-current="true">${label}</li>`
      : `<li><a href="${e(candidateHref(cycleId, { status }))}">${label}</a></li>`;
  };
  const counts = `<ul class="counts">${count('proposed', proposed)}${count('excluded', all.length - proposed)}${count(
    'all',
    all.length,
  )}</ul>`;
  const groups = UNIT_GROUPS.filter((g) => all.some((c) => c.group === g));
  const form = `<form class="filters" method="get" action="${e(`${adminHref.cycle(cycleId)}#de-xuat`)}" role="search" aria-label="Lọc danh sách ứng viên">
<div><label for="loc-q">Tìm theo tên ứng viên hoặc đơn vị (gõ có dấu hoặc không)</label><input type="search" id="loc-q" name="q" value="${e(
    query.q ?? '',
  )}" maxlength="${SEARCH_MAX}"></div>
<div><label for="loc-status">Đề xuất</label><select id="loc-status" name="status">${CANDIDATE_STATUS_FILTERS.map(
    (s) => option(s, STATUS_FILTER_LABELS[s], query.status === s),
  ).join('')}</select></div>
<div><label for="loc-group">Khối</label><select id="loc-group" name="group">${[
    option('', 'Tất cả', !query.group),
    ...groups.map((g) => option(g, titles[g], query.group === g)),
  ].join('')}</select></div>
<div class="buttons"><button type="submit">Lọc</button><a href="${e(`${adminHref.cycle(cycleId)}#de-xuat`)}">Bỏ lọc</a></div>
</form>`;
  // "ứng viên được đề xuất thuộc khối xã, thị trấn khớp “…”": what the table holds, in words.
  const kind = query.status === 'all' ? '' : ` ${STATUS_FILTER_LABELS[query.status].toLowerCase()}`;
  const where = `${query.group ? ` thuộc ${e(titles[query.group].toLowerCase())}` : ''}${
    query.q ? ` khớp “${e(query.q)}”` : ''
  }`;
  // Searched for a name among the proposed alone (or the excluded): the others it matches, a link away.
  const elsewhere =
    query.q && query.status !== 'all'
      ? selectCandidates(all, { ...query, status: 'all' }).length - shown.length
      : 0;
  const other = query.status === 'proposed' ? 'excluded' : 'proposed';
  const more =
    elsewhere > 0
      ? ` Có ${elsewhere} ứng viên ${e(STATUS_FILTER_LABELS[other].toLowerCase())} khớp: <a href="${e(
          candidateHref(cycleId, { ...query, status: 'all' }),
        )}">xem mọi ứng viên khớp “${e(query.q ?? '')}”</a>.`
      : '';
  const found =
    shown.length === 0
      ? `<p role="status">Không có ứng viên${e(kind)} nào${where}.${more}</p>`
      : `<p role="status">Hiển thị <strong>${shown.length}/${all.length}</strong> ứng viên${e(kind)}${where}.${more}${
          query.status === 'proposed' && !query.q && !query.group
            ? ' Chọn “Tất cả” để xem cả những trường hợp không được đề nghị và lý do.'
            : ''
        }</p>`;
  const ignored = m.ignored?.length
    ? '<div class="notice warn" role="status"><p>Một số điều kiện lọc không hợp lệ đã được bỏ qua.</p></div>'
    : '';
  return `<h2 id="de-xuat">Đề xuất</h2>
${counts}
${ignored}${form}
${found}
${candidatesTable(m.proposal, shown)}`;
}

function tallySection(m: CycleModel, tally: Tally): Html {
  const names = new Map(m.proposal.candidates.map((c) => [c.id, c.name]));
  const memberName = (id: string) => m.members.find((x) => x.id === id)?.name ?? id;
  const rows = tally.candidates
    .map(
      (c) =>
        `<tr><th scope="row">${e(names.get(c.candidateId) ?? c.candidateId)}</th><td class="num">${c.yes}</td><td class="num">${c.no}</td><td class="num">${c.abstain}</td><td class="num">${c.absent}</td><td class="num">${c.required}</td><td>${
          c.passed ? 'Thông qua' : tally.quorumMet ? 'Không thông qua' : 'Không xét'
        }</td></tr>`,
    )
    .join('\n');
  return `<h2>Kiểm phiếu</h2>
<dl class="facts"><dt>Số thành viên</dt><dd>${tally.N}</dd><dt>Tham gia</dt><dd>${tally.present} (cần ít nhất ${
    tally.quorumRequired
  })</dd><dt>Thông qua khi có</dt><dd>ít nhất ${tally.passRequired} phiếu tán thành</dd>${
    tally.absentMembers.length
      ? `<dt>Không tham gia</dt><dd>${e(tally.absentMembers.map(memberName).join(', '))}</dd>`
      : ''
  }</dl>
<p><strong>${e(tally.outcome)}</strong></p>
${scrollTable(
  'Kết quả biểu quyết',
  `<table><caption class="visually-hidden">Kết quả biểu quyết từng ứng viên</caption>
<thead><tr><th scope="col">Ứng viên</th><th scope="col">Tán thành</th><th scope="col">Không tán thành</th><th scope="col">Không biểu quyết</th><th scope="col">Không có phiếu</th><th scope="col">Cần</th><th scope="col">Kết quả</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}`;
}

/**
 * After a vote without quorum, what came of it and the way to a new vote, right under the title:
 * on a province's page the tally and the candidates run to thousands of pixels below.
 */
function noQuorumNotice(m: CycleModel): Html {
  const t = m.tally;
  if (!t || t.quorumMet || m.proposal.ballot.length === 0) return '';
  return `<div class="notice warn" role="status"><p>Hội đồng không đủ số thành viên tham gia (${e(t.present)}/${e(t.N)}, cần ít nhất ${e(
    t.quorumRequired,
  )}): chưa ứng viên nào được thông qua.</p><p><a href="${e(adminHref.revote(m.cycle.cycleId))}">Tổ chức bỏ phiếu lại</a></p></div>`;
}

/**
 * While the council votes: how many members have cast a ballot against the quorum, and who has
 * not yet — so the office can reach them before the vote closes. Never how anyone voted.
 */
function turnoutSection(m: CycleModel): Html {
  const closes = m.cycle.closesAt ? ` lúc ${e(dateTime(m.cycle.closesAt))}` : '';
  if (!m.turnout) return `<p>Hội đồng đang bỏ phiếu; kết quả có sau khi hết hạn${closes}.</p>`;
  const { members, quorumRequired, remindAt } = m.turnout;
  const cast = members.filter((x) => x.castAt).length;
  const short = quorumRequired - cast;
  const rows = members
    .map(
      (x) =>
        `<tr><td>${e(x.name)}</td><td>${
          x.castAt
            ? `Đã gửi phiếu lúc ${e(dateTime(x.castAt))}`
            : `<strong>Chưa gửi phiếu</strong>${
                x.remindedAt ? ` · đã được nhắc tự động lúc ${e(dateTime(x.remindedAt))}` : ''
              } · <a href="${e(adminHref.remindVote(m.cycle.cycleId, x.id))}">Nhắc bỏ phiếu</a>`
        }</td></tr>`,
    )
    .join('');
  return `<h2>Tiến độ bỏ phiếu</h2>
<div class="notice${short > 0 ? ' warn' : ''}" role="status"><p>Đã có <strong>${e(cast)}/${e(members.length)}</strong> thành viên gửi phiếu; cần ít nhất ${e(
    quorumRequired,
  )} thành viên tham gia để đủ số biểu quyết${
    short > 0 ? ` (còn thiếu ${e(short)})` : ' (đã đủ)'
  }. Phiếu được kiểm khi hết hạn bỏ phiếu${closes}; đến lúc đó trang này chỉ cho biết ai đã gửi phiếu, không cho biết nội dung.</p>${
    remindAt && cast < members.length
      ? `<p>Thành viên chưa gửi phiếu sẽ được nhắc tự động lúc ${e(dateTime(remindAt))}.</p>`
      : ''
  }</div>
${scrollTable(
  'Tiến độ bỏ phiếu',
  `<table><thead><tr><th scope="col">Thành viên Hội đồng</th><th scope="col">Phiếu</th></tr></thead><tbody>${rows}</tbody></table>`,
)}`;
}

/**
 * Late appraisals under the proposal: the commendation starts 7 days after the year's last review
 * close while late appraisals are accepted longer (15 days by default), and a late approval
 * recomputes the period's results as a new version — but never the stored proposal, its ballot or
 * its documents. Only a new vote after one without quorum proposes again, from the latest results.
 */
function watchSection(m: CycleModel): Html {
  const w = m.watch;
  if (!w || (w.late.length === 0 && w.recomputed.length === 0)) return '';
  const lines = w.late.map(
    (l) =>
      `<p>${e(periodLabel(l.periodId))} vẫn nhận thẩm định muộn đến <strong>${e(dateTime(l.until))}</strong>; báo cáo còn chờ giải trình hoặc thẩm định: ${e(
        l.waiting.join(', '),
      )}.</p>`,
  );
  if (w.late.length > 0) {
    lines.push(
      '<p>Khi một báo cáo trên được phê duyệt, kết quả của kỳ được tính lại và công bố thành phiên bản mới, nên tỷ lệ điểm và thứ hạng còn có thể thay đổi.</p>',
    );
  }
  for (const r of w.recomputed) {
    lines.push(
      `<p>Kết quả ${e(periodLabel(r.periodId))} đã được tính lại sau khi lập đề xuất: nay là phiên bản ${e(r.latest)}, đề xuất dùng phiên bản ${e(r.version)}.</p>`,
    );
  }
  const when = m.proposedAt ? ` lúc ${e(dateTime(m.proposedAt))}` : '';
  const again =
    m.cycle.state === 'no-quorum'
      ? '; nếu tổ chức bỏ phiếu lại, đề xuất mới được lập từ kết quả mới nhất lúc bắt đầu bỏ phiếu lại'
      : '';
  lines.push(
    `<p>Đề xuất này được lập${when} và không được lập lại tự động: ứng viên, lý do, danh sách đưa ra biểu quyết và văn bản vẫn theo kết quả lúc đó${again}.</p>`,
  );
  const title =
    w.late.length > 0 ? 'Thứ hạng còn có thể thay đổi' : 'Kết quả đã thay đổi sau khi lập đề xuất';
  return `<div class="notice warn" role="status"><h2>${title}</h2>${lines.join('')}</div>`;
}

function finalSection(final: FinalList): Html {
  const shown = final.entries.filter((x) => x.status !== 'excluded');
  return `<h2>Danh sách cuối cùng</h2>
<ul>${shown.map((x) => `<li>${e(x.name)}${x.kind === 'individual' ? ` (${e(x.unitName)})` : ''} – ${e(x.formLabel)}: ${e(FINAL_STATUS_LABELS[x.status])}</li>`).join('')}</ul>`;
}

export function renderCycle(m: CycleModel): Html {
  const c = m.cycle;
  const passed = m.final ? m.final.awarded.length + m.final.proposedUpward.length : 0;
  const docs: [string, string][] = [];
  // Nothing went to the vote: no ballot was counted, so there are no minutes of one to print.
  if (m.tally && m.proposal.ballot.length > 0) {
    docs.push(
      [adminHref.voteRecord(c.cycleId, 'docx'), 'Biên bản kiểm phiếu (DOCX)'],
      [adminHref.voteRecord(c.cycleId, 'html'), 'Biên bản kiểm phiếu (bản in)'],
    );
  }
  if (passed > 0) {
    docs.push(
      [adminHref.proposal(c.cycleId, 'docx'), 'Tờ trình đề nghị khen thưởng (DOCX)'],
      [adminHref.proposal(c.cycleId, 'html'), 'Tờ trình đề nghị khen thưởng (bản in)'],
    );
  }
  const body = `<h1>Khen thưởng – ${e(c.label)}</h1>
<div class="meta"><span>${e(STATE_LABELS[c.state])}</span>${
    c.closesAt && c.state !== 'no-candidates' ? `<span>Hạn bỏ phiếu: ${e(dateTime(c.closesAt))}</span>` : ''
  }<span>Thẩm quyền: ${e(m.proposal.issuer.label)}</span></div>
${noQuorumNotice(m)}
${m.proposal.warnings.map((w) => `<div class="notice warn"><p>${e(w)}</p></div>`).join('')}
${watchSection(m)}
${docs.length ? `<h2>Văn bản</h2><ul class="downloads">${docs.map(([h, l]) => `<li><a href="${e(h)}">${e(l)}</a></li>`).join('')}</ul>` : ''}
${candidatesSection(m)}
${
  m.proposal.ballot.length === 0
    ? '<h2>Biểu quyết</h2><p>Không có trường hợp nào đủ điều kiện đưa ra Hội đồng biểu quyết; không thành viên nào được đề nghị bỏ phiếu.</p>'
    : m.tally
      ? tallySection(m, m.tally)
      : turnoutSection(m)
}
${m.final && m.tally?.quorumMet ? finalSection(m.final) : ''}`;
  return adminPage(m.frame, {
    title: `Khen thưởng – ${c.label}`,
    current: 'commendation',
    crumbs: [{ label: 'Khen thưởng', href: adminHref.commendation() }, { label: c.label }],
    body,
  });
}
