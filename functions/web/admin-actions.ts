/**
 * The admin's actions, each a GET page that says what will happen and a POST that does it:
 * reassign a reviewer, restart a stuck review, remind a unit now, recompute a period's results,
 * call a new council vote. Every form carries a write id (a nonce) so a repeated POST finds its
 * own claim and answers as the first did; a different admin's action in between is a conflict
 * (409), shown with what is now the case. docs/admin.md lists each action's claim, follow-ups
 * and audit entry.
 */
import {
  DISCIPLINE_STATUSES,
  type DisciplineStatus,
  type IsoInstant,
  type Period,
  type Person,
} from '#domain/model';
import type { ProposalWatch } from './admin-commendation.ts';
import { type AdminFrame, adminPage, type Crumb, sinceText } from './admin-frame.ts';
import { PROGRESS_LABELS, type ProgressState } from './admin-progress.ts';
import { adminHref } from './admin-routes.ts';
import type { FieldProblem } from './http.ts';
import {
  dateTime,
  e,
  type Html,
  hidden,
  periodLabel,
  problemMap,
  problemSummary,
  select,
  textArea,
} from './pages.ts';

export const REASON_MAX = 500;

/** A reviewer who may take the unit-period, with how many units they hold in the period. */
export interface ReviewerChoice {
  id: string;
  name: string;
  title?: string;
  load: number;
}

export type AdminAction =
  | {
      kind: 'reassign';
      unit: { id: string; name: string };
      period: Period;
      current: { id: string; name: string };
      round: number;
      since?: IsoInstant;
      /** Already without the unit's own staff and the current reviewer (eligibleReviewers). */
      candidates: ReviewerChoice[];
    }
  | {
      kind: 'restart';
      unit: { id: string; name: string };
      period: Period;
      state: ProgressState;
      reviewerName?: string;
      /** The attempt the restart starts (`review-<unit>-<period>-<attempt>`). */
      nextAttempt: number;
    }
  | {
      kind: 'remind';
      unit: { id: string; name: string; focalPoint: { name: string; email: string } };
      period: Period;
      state: ProgressState;
      /**
       * The unit's first reminder (the period's or an admin's): the progress item keeps the first
       * time it was marked, so the page never calls it the latest.
       */
      firstRemindedAt?: IsoInstant;
      /** When the period's deadline marked the unit late, its late notice going out. */
      lateNoticeAt?: IsoInstant;
    }
  | {
      kind: 'recompute';
      period: Period;
      latestVersion?: number;
      /** Units whose survey, bonus or penalty changed since the latest version. */
      changedSince: string[];
    }
  | {
      kind: 'standing';
      unit: { id: string; name: string };
      current: { status: DisciplineStatus; reason?: string; updatedAt?: IsoInstant; by?: string };
      /** The stored version the form was opened on (0: none): another admin's change is a conflict. */
      version: number;
    }
  | {
      kind: 'remind-vote';
      cycleId: string;
      /** "Năm 2024". */
      cycleLabel: string;
      member: { id: string; name: string; email: string };
      closesAt: IsoInstant;
    }
  | {
      kind: 'revote';
      cycleId: string;
      /** The cycle the new vote will be (`2024-2`). */
      nextCycleId: string;
      present: number;
      members: number;
      quorum: number;
      /** Periods of the scope still accepting late appraisals, with reports waiting for one. */
      late?: ProposalWatch['late'];
    };

/** What came of a POST: done; someone else's action first (409); no longer possible (410). */
export type ActionOutcome =
  | { kind: 'done'; text: string }
  | { kind: 'conflict'; text: string }
  | { kind: 'gone'; text: string };

export interface ActionPageModel {
  frame: AdminFrame;
  action: AdminAction;
  /** The write id of this form. */
  nonce: string;
  outcome?: ActionOutcome;
  problems?: FieldProblem[];
  /** What was typed, when the form comes back with problems. */
  values?: { reviewerId?: string; reason?: string; status?: string };
}

/**
 * Reviewers who may take a unit's review: never one from the unit itself, never the one it is
 * leaving; the least loaded first, then in the config's order.
 */
export function eligibleReviewers(
  reviewers: readonly Person[],
  unitId: string,
  currentId: string | undefined,
  loads: Readonly<Record<string, number>>,
): ReviewerChoice[] {
  return reviewers
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.unit !== unitId && r.id !== currentId)
    .sort((a, b) => (loads[a.r.id] ?? 0) - (loads[b.r.id] ?? 0) || a.i - b.i)
    .map(({ r }) => ({
      id: r.id,
      name: r.name,
      ...(r.title ? { title: r.title } : {}),
      load: loads[r.id] ?? 0,
    }));
}

/** The reassignment form's reviewer and reason, or the problems beside their fields. */
export function parseReassignForm(
  form: URLSearchParams,
  candidates: readonly ReviewerChoice[],
): { ok: true; reviewerId: string; reason: string } | { ok: false; problems: FieldProblem[] } {
  const reviewerId = form.get('reviewer') ?? '';
  const reason = (form.get('reason') ?? '').trim();
  const problems: FieldProblem[] = [];
  if (!candidates.some((c) => c.id === reviewerId)) {
    problems.push({
      field: 'reviewer',
      message: 'Chọn một người thẩm định trong danh sách (không thuộc đơn vị được thẩm định).',
    });
  }
  if (reason.length > REASON_MAX) {
    problems.push({ field: 'reason', message: `Lý do dài quá ${REASON_MAX} ký tự.` });
  }
  return problems.length ? { ok: false, problems } : { ok: true, reviewerId, reason };
}

/** A unit's standing as the admin reads and picks it (DOMAIN.md: none of these may be proposed). */
export const STANDING_LABELS: Record<DisciplineStatus, string> = {
  none: 'Không (đơn vị được xét khen thưởng bình thường)',
  discipline: 'Đang trong thời gian thi hành kỷ luật',
  investigation: 'Đang bị điều tra',
  inspection: 'Đang bị thanh tra, kiểm tra',
  complaint: 'Đang có đơn thư khiếu nại, tố cáo chưa được giải quyết',
};

/** The standing form's status and reason (required unless `none`), or the problems beside them. */
export function parseStandingForm(
  form: URLSearchParams,
): { ok: true; status: DisciplineStatus; reason: string } | { ok: false; problems: FieldProblem[] } {
  const raw = form.get('status') ?? '';
  const status = DISCIPLINE_STATUSES.find((s) => s === raw);
  const reason = (form.get('reason') ?? '').trim();
  const problems: FieldProblem[] = [];
  if (!status) problems.push({ field: 'status', message: 'Chọn một tình trạng trong danh sách.' });
  if (status && status !== 'none' && reason === '') {
    problems.push({
      field: 'reason',
      message:
        'Ghi căn cứ (số quyết định thanh tra, kỷ luật, số đơn…): lý do đơn vị không được đề nghị khen thưởng.',
    });
  }
  if (reason.length > REASON_MAX)
    problems.push({ field: 'reason', message: `Lý do dài quá ${REASON_MAX} ký tự.` });
  return status && problems.length === 0 ? { ok: true, status, reason } : { ok: false, problems };
}

interface Describe {
  title: string;
  crumbs: Crumb[];
  facts: [string, string][];
  /** What pressing the button does, step by step. */
  effects: string[];
  button: string;
  fields?: (m: ActionPageModel) => Html;
}

const unitCrumbs = (unit: { id: string; name: string }, period: Period, last: string): Crumb[] => [
  { label: 'Tiến độ', href: adminHref.home() },
  { label: periodLabel(period.id), href: adminHref.period(period.id) },
  { label: unit.name, href: adminHref.unitPeriod(unit.id, period.id) },
  { label: last },
];

function reasonField(m: ActionPageModel, label = 'Lý do (ghi vào nhật ký, không bắt buộc)'): Html {
  return textArea({
    name: 'reason',
    label,
    value: m.values?.reason ?? '',
    problems: problemMap(m.problems ?? []),
    maxlength: REASON_MAX,
    rows: 2,
  });
}

function describeReassign(a: Extract<AdminAction, { kind: 'reassign' }>, now: IsoInstant): Describe {
  return {
    title: `Đổi người thẩm định – ${a.unit.name}`,
    crumbs: unitCrumbs(a.unit, a.period, 'Đổi người thẩm định'),
    facts: [
      ['Kỳ', periodLabel(a.period.id)],
      ['Người thẩm định hiện tại', a.current.name],
      ['Vòng', String(a.round)],
      ['Đang chờ từ', sinceText(a.since, now) || '—'],
    ],
    effects: [
      `Liên kết thẩm định đã gửi cho ${a.current.name} hết hiệu lực ngay.`,
      'Người thẩm định mới nhận email với liên kết mới, cho cùng vòng thẩm định đang chờ.',
      'Đơn vị không nhận thêm email nào.',
      'Thao tác được ghi vào nhật ký cùng tên người thực hiện.',
    ],
    button: 'Đổi người thẩm định',
    fields: (m) => {
      const options = [
        ['', 'Chọn người thẩm định'] as const,
        ...a.candidates.map(
          (c) =>
            [
              c.id,
              `${c.name}${c.title ? ` – ${c.title}` : ''} (được giao ${c.load} đơn vị trong kỳ)`,
            ] as const,
        ),
      ];
      // The reviewer the page was opened on: another admin's change in between is then a conflict.
      return `${hidden('current', a.current.id)}${select({
        name: 'reviewer',
        label: 'Người thẩm định mới',
        value: m.values?.reviewerId ?? '',
        options,
        problems: problemMap(m.problems ?? []),
      })}${reasonField(m)}`;
    },
  };
}

function describeRestart(a: Extract<AdminAction, { kind: 'restart' }>): Describe {
  return {
    title: `Khởi động lại thẩm định – ${a.unit.name}`,
    crumbs: unitCrumbs(a.unit, a.period, 'Khởi động lại thẩm định'),
    facts: [
      ['Kỳ', periodLabel(a.period.id)],
      ['Trạng thái', PROGRESS_LABELS[a.state]],
      ['Người thẩm định', a.reviewerName ?? '—'],
    ],
    effects: [
      `Quy trình thẩm định của đơn vị được chạy lại (lần ${a.nextAttempt}) từ những gì đã lưu: quyết định đã ghi nhận được giữ nguyên và chuyển tiếp ngay.`,
      'Liên kết đang chờ trong hộp thư người thẩm định vẫn dùng được.',
      'Thao tác được ghi vào nhật ký.',
    ],
    button: 'Khởi động lại thẩm định',
    fields: reasonField,
  };
}

function describeRemind(a: Extract<AdminAction, { kind: 'remind' }>): Describe {
  return {
    title: `Nhắc đơn vị – ${a.unit.name}`,
    crumbs: unitCrumbs(a.unit, a.period, 'Nhắc đơn vị'),
    facts: [
      ['Kỳ', periodLabel(a.period.id)],
      ['Trạng thái', PROGRESS_LABELS[a.state]],
      ['Hạn nộp', dateTime(a.period.deadlineAt)],
      ['Nhắc lần đầu', a.firstRemindedAt ? dateTime(a.firstRemindedAt) : 'Chưa nhắc'],
      ...(a.lateNoticeAt
        ? [['Thông báo quá hạn nộp', dateTime(a.lateNoticeAt)] satisfies [string, string]]
        : []),
    ],
    effects: [
      // After the deadline the press sends the late notice, as the period's deadline did.
      a.lateNoticeAt
        ? `Gửi ngay một email nhắc tới ${a.unit.focalPoint.name} (${a.unit.focalPoint.email}) với liên kết báo cáo của đơn vị: đã quá hạn nộp, báo cáo nộp từ nay được ghi nhận là nộp muộn.`
        : `Gửi ngay một email nhắc tới ${a.unit.focalPoint.name} (${a.unit.focalPoint.email}) với liên kết báo cáo của đơn vị.`,
      'Bấm lại trong cùng ngày không gửi thêm email.',
    ],
    button: 'Gửi email nhắc',
  };
}

function describeRecompute(a: Extract<AdminAction, { kind: 'recompute' }>): Describe {
  return {
    title: `Tính lại kết quả ${periodLabel(a.period.id)}`,
    crumbs: [
      { label: 'Kết quả', href: adminHref.results() },
      { label: periodLabel(a.period.id), href: adminHref.periodResults(a.period.id) },
      { label: 'Tính lại' },
    ],
    facts: [
      ['Phiên bản hiện tại', a.latestVersion ? String(a.latestVersion) : 'Chưa công bố'],
      ['Số liệu thay đổi từ phiên bản đó', a.changedSince.length ? a.changedSince.join(', ') : 'Không có'],
    ],
    effects: [
      'Kết quả được tính lại từ các báo cáo đã phê duyệt và số liệu khảo sát, điểm thưởng, điểm trừ đã ghi nhận.',
      'Chỉ khi kết quả khác phiên bản hiện tại mới có phiên bản mới; phiên bản cũ được giữ nguyên để đối chiếu.',
      'Phiên bản mới được gửi tới lãnh đạo và các đơn vị như lần công bố trước.',
    ],
    button: 'Tính lại kết quả',
    fields: reasonField,
  };
}

function describeStanding(a: Extract<AdminAction, { kind: 'standing' }>): Describe {
  return {
    title: `Tình trạng khi xét khen thưởng – ${a.unit.name}`,
    crumbs: [
      { label: 'Tiến độ', href: adminHref.home() },
      { label: a.unit.name, href: adminHref.unit(a.unit.id) },
      { label: 'Tình trạng khi xét khen thưởng' },
    ],
    facts: [
      ['Tình trạng hiện tại', STANDING_LABELS[a.current.status]],
      ['Căn cứ', a.current.reason ?? '—'],
      [
        'Ghi nhận lúc',
        a.current.updatedAt
          ? `${dateTime(a.current.updatedAt)}${a.current.by ? `, ${a.current.by}` : ''}`
          : '—',
      ],
    ],
    effects: [
      'Một đơn vị đang bị kỷ luật, điều tra, thanh tra, kiểm tra hoặc có đơn thư chưa giải quyết không được đề nghị khen thưởng tập thể, kể cả đề nghị cấp trên; đề xuất ghi rõ lý do.',
      'Áp dụng cho các lần lập đề xuất khen thưởng sau khi ghi nhận; đề xuất đã lập không thay đổi.',
      'Thao tác được ghi vào nhật ký cùng tên người thực hiện.',
    ],
    button: 'Ghi nhận tình trạng',
    // The reason box starts empty: the ground in force shows above; a new status needs its own.
    fields: (m) =>
      `${hidden('version', a.version)}${select({
        name: 'status',
        label: 'Tình trạng của đơn vị',
        value: m.values?.status ?? a.current.status,
        options: DISCIPLINE_STATUSES.map((s) => [s, STANDING_LABELS[s]] as const),
        problems: problemMap(m.problems ?? []),
      })}${reasonField(m, 'Căn cứ (bắt buộc khi đơn vị đang ở một trong các tình trạng trên)')}`,
  };
}

function describeRemindVote(a: Extract<AdminAction, { kind: 'remind-vote' }>): Describe {
  return {
    title: `Nhắc bỏ phiếu – ${a.member.name}`,
    crumbs: [
      { label: 'Khen thưởng', href: adminHref.commendation() },
      { label: a.cycleLabel, href: adminHref.cycle(a.cycleId) },
      { label: 'Nhắc bỏ phiếu' },
    ],
    facts: [
      ['Thành viên Hội đồng', `${a.member.name} (${a.member.email})`],
      ['Hạn bỏ phiếu', dateTime(a.closesAt)],
    ],
    effects: [
      `Gửi ngay một email nhắc tới ${a.member.name} với liên kết bỏ phiếu đã gửi trước (vẫn là liên kết đó, dùng được đến hạn).`,
      'Bấm lại trong cùng ngày không gửi thêm email. Thao tác được ghi vào nhật ký.',
    ],
    button: 'Gửi email nhắc',
  };
}

function describeRevote(a: Extract<AdminAction, { kind: 'revote' }>): Describe {
  return {
    title: `Tổ chức bỏ phiếu lại – đợt ${a.cycleId}`,
    crumbs: [
      { label: 'Khen thưởng', href: adminHref.commendation() },
      { label: `Đợt ${a.cycleId}`, href: adminHref.cycle(a.cycleId) },
      { label: 'Bỏ phiếu lại' },
    ],
    facts: [
      ['Thành viên tham gia', `${a.present}/${a.members}`],
      ['Cần để đủ số', String(a.quorum)],
      ['Đợt bỏ phiếu mới', a.nextCycleId],
    ],
    effects: [
      'Hội đồng không đủ số thành viên tham gia nên chưa ứng viên nào được thông qua.',
      `Mỗi thành viên Hội đồng nhận liên kết bỏ phiếu mới (đợt ${a.nextCycleId}); phiếu của đợt trước không được tính lại.`,
      'Đề xuất của đợt mới được lập lại từ kết quả mới nhất của từng kỳ lúc bắt đầu bỏ phiếu lại.',
      // The new proposal is stored once, as the first: a late approval after it changes the results only.
      ...(a.late ?? []).map(
        (l) =>
          `${periodLabel(l.periodId)} vẫn nhận thẩm định muộn đến ${dateTime(l.until)} (báo cáo còn chờ giải trình hoặc thẩm định: ${l.waiting.join(', ')}): ` +
          'nếu báo cáo nào được phê duyệt sau khi đợt bỏ phiếu lại bắt đầu, kết quả của kỳ được tính lại nhưng đề xuất của đợt mới không thay đổi.',
      ),
    ],
    button: 'Tổ chức bỏ phiếu lại',
  };
}

function describe(a: AdminAction, now: IsoInstant): Describe {
  switch (a.kind) {
    case 'reassign':
      return describeReassign(a, now);
    case 'restart':
      return describeRestart(a);
    case 'remind':
      return describeRemind(a);
    case 'recompute':
      return describeRecompute(a);
    case 'standing':
      return describeStanding(a);
    case 'remind-vote':
      return describeRemindVote(a);
    default:
      return describeRevote(a);
  }
}

function actionPath(a: AdminAction): string {
  switch (a.kind) {
    case 'reassign':
      return adminHref.reassign(a.period.id, a.unit.id);
    case 'restart':
      return adminHref.restart(a.period.id, a.unit.id);
    case 'remind':
      return adminHref.remind(a.period.id, a.unit.id);
    case 'recompute':
      return adminHref.recompute(a.period.id);
    case 'standing':
      return adminHref.standing(a.unit.id);
    case 'remind-vote':
      return adminHref.remindVote(a.cycleId, a.member.id);
    default:
      return adminHref.revote(a.cycleId);
  }
}

function outcomeNotice(o: ActionOutcome): Html {
  const tone = o.kind === 'done' ? 'ok' : 'error';
  const heading =
    o.kind === 'done'
      ? 'Đã thực hiện'
      : o.kind === 'conflict'
        ? 'Đã có người thực hiện trước'
        : 'Không còn thực hiện được';
  return `<div class="notice ${tone}" role="${tone === 'ok' ? 'status' : 'alert'}"><h2>${e(heading)}</h2><p>${e(o.text)}</p></div>`;
}

export function renderActionPage(m: ActionPageModel): Html {
  const d = describe(m.action, m.frame.now);
  const facts = `<dl class="facts">${d.facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
  // Once done, done by another admin first, or no longer possible, the form is not offered again.
  const form = m.outcome
    ? `<p><a href="${e(d.crumbs[d.crumbs.length - 2]?.href ?? adminHref.home())}">Quay lại</a></p>`
    : `<h2>Khi bấm nút</h2>
<ul>${d.effects.map((x) => `<li>${e(x)}</li>`).join('')}</ul>
<form method="post" action="${e(actionPath(m.action))}" novalidate>
${hidden('nonce', m.nonce)}
${d.fields ? d.fields(m) : ''}
<div class="actions"><button type="submit">${e(d.button)}</button><a href="${e(
        d.crumbs[d.crumbs.length - 2]?.href ?? adminHref.home(),
      )}">Quay lại</a></div>
</form>`;
  const body = `<h1>${e(d.title)}</h1>
${m.outcome ? outcomeNotice(m.outcome) : ''}
${m.problems?.length ? problemSummary(m.problems) : ''}
${facts}
${form}`;
  return adminPage(m.frame, {
    title: d.title,
    current:
      m.action.kind === 'revote' || m.action.kind === 'remind-vote'
        ? 'commendation'
        : m.action.kind === 'recompute'
          ? 'results'
          : 'campaign',
    crumbs: d.crumbs,
    body,
  });
}
