/**
 * The audit trail as the admin reads and exports it: one line per decision or admin action —
 * when, who, in which role, through which link or session, what, for which unit and period.
 * The same labels serve the page (functions/web/admin-audit.ts) and the CSV, which opens in
 * Excel in Vietnamese as the scoring summary's does (UTF-8 with BOM, ";", CRLF, formula-looking
 * text made plain).
 */
import { formatDateTime } from '#domain/calendar';
import { periodLabel } from '#web/pages';
import { csvField } from './csv.ts';

export type AuditRole = 'unit' | 'reviewer' | 'council' | 'admin' | 'leadership' | 'system';

/** How the person acted: an emailed link (which kind), a signed-in session, the CLI, or a workflow step. */
export type AuditVia =
  | { kind: 'link'; link: 'report' | 'appraise' | 'explain' | 'vote' | 'signin' }
  | { kind: 'session' }
  | { kind: 'cli'; user: string }
  | { kind: 'system'; step: string };

export interface AuditRow {
  at: string;
  who: { role: AuditRole; name: string; email?: string };
  via: AuditVia;
  /** e.g. `appraise.return`, `admin.reassign` (AUDIT_ACTION_LABELS). */
  action: string;
  unitId?: string;
  unitName?: string;
  periodId?: string;
  /** What changed, in words ("Người thẩm định: Trương Thị Lan → Nguyễn Văn Thành"). */
  detail?: string;
  ip?: string;
}

export const AUDIT_ROLE_LABELS: Record<AuditRole, string> = {
  unit: 'Đơn vị',
  reviewer: 'Người thẩm định',
  council: 'Thành viên Hội đồng',
  admin: 'Quản trị',
  leadership: 'Lãnh đạo',
  system: 'Hệ thống',
};

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'report.saved': 'Lưu bản nháp báo cáo',
  'report.submitted': 'Nộp báo cáo',
  'appraise.approve': 'Phê duyệt báo cáo',
  'appraise.return': 'Trả lại để giải trình',
  'explain.explained': 'Gửi giải trình',
  'vote.cast': 'Bỏ phiếu biểu quyết',
  'signin.admin': 'Đăng nhập trang quản trị',
  'signin.unit': 'Đăng nhập xem lịch sử đơn vị',
  'signin.leader': 'Đăng nhập xem kết quả thi đua (lãnh đạo)',
  'review.assigned': 'Phân công người thẩm định',
  'review.closed': 'Kết thúc thẩm định',
  'results.published': 'Công bố kết quả',
  'admin.reassign': 'Đổi người thẩm định',
  'admin.restart': 'Khởi động lại thẩm định',
  'admin.remind': 'Nhắc đơn vị',
  'admin.adjustments': 'Ghi nhận khảo sát, điểm thưởng, điểm trừ',
  'admin.recompute': 'Tính lại kết quả',
  'admin.revote': 'Tổ chức bỏ phiếu lại',
  'admin.remind-vote': 'Nhắc thành viên Hội đồng bỏ phiếu',
  'adjustments.recorded': 'Ghi nhận khảo sát, điểm thưởng, điểm trừ',
  'report.approved': 'Báo cáo được phê duyệt',
  'report.unappraised': 'Hết hạn thẩm định, chưa thẩm định xong',
  'period.closed': 'Kết thúc thẩm định kỳ báo cáo',
  'results.announced': 'Thông báo kết quả cho lãnh đạo',
  'commendation.proposed': 'Lập đề xuất khen thưởng',
  'commendation.tallied': 'Kiểm phiếu Hội đồng',
  'workflow.failed': 'Quy trình tự động gặp lỗi',
};

const LINK_LABELS: Record<Extract<AuditVia, { kind: 'link' }>['link'], string> = {
  report: 'liên kết báo cáo',
  appraise: 'liên kết thẩm định',
  explain: 'liên kết giải trình',
  vote: 'liên kết bỏ phiếu',
  signin: 'liên kết đăng nhập',
};

export function auditActionText(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

export function auditViaText(via: AuditVia): string {
  switch (via.kind) {
    case 'link':
      return `Qua ${LINK_LABELS[via.link]} trong email`;
    case 'session':
      return 'Phiên đăng nhập';
    case 'cli':
      return `Dòng lệnh (${via.user})`;
    default:
      return `Quy trình tự động${AUDIT_STEP_LABELS[via.step] ? ` (${AUDIT_STEP_LABELS[via.step]})` : ''}`;
  }
}

/** The workflow steps that write audit entries, as the admin reads them (never the code's names). */
export const AUDIT_STEP_LABELS: Record<string, string> = {
  'assign-reviewer': 'phân công người thẩm định',
  'close-period': 'kết thúc thẩm định của kỳ',
  'compute-results': 'tính kết quả',
  'mark-unappraised': 'hết hạn thẩm định',
  'notify-outcome': 'thông báo kết quả biểu quyết',
  'open-period': 'mở kỳ báo cáo',
  'propose-commendations': 'lập đề nghị khen thưởng',
  'publish-result': 'công bố kết quả',
  'record-approval': 'ghi nhận phê duyệt',
  'record-failure': 'ghi nhận lỗi',
  'request-appraisal': 'gửi đề nghị thẩm định',
  'request-explanation': 'trả lại để giải trình',
  'store-campaign': 'lưu kế hoạch',
  sweep: 'hoàn tất việc còn dở',
  'tally-votes': 'kiểm phiếu',
};

export const AUDIT_CSV_HEADER = [
  'Thời điểm',
  'Người thực hiện',
  'Vai trò',
  'Email',
  'Cách thực hiện',
  'Hành động',
  'Đơn vị',
  'Kỳ',
  'Chi tiết',
  'Địa chỉ IP',
];

/** One line per entry, in the given order, times in the district's zone to the second ("08:00:05 01/10/2024"). */
export function auditCsv(rows: readonly AuditRow[], timeZone: string): Buffer {
  const t = (v: string) => csvField({ t: 'text', v });
  const lines = [AUDIT_CSV_HEADER.map(t).join(';')];
  for (const r of rows) {
    lines.push(
      [
        formatDateTime(r.at, timeZone, true),
        r.who.name,
        AUDIT_ROLE_LABELS[r.who.role],
        r.who.email ?? '',
        auditViaText(r.via),
        auditActionText(r.action),
        r.unitName ?? r.unitId ?? '',
        // The period as the page names it ("6 tháng cuối năm 2025", "Quý IV/2024").
        r.periodId ? periodLabel(r.periodId) : '',
        r.detail ?? '',
        r.ip ?? '',
      ]
        .map(t)
        .join(';'),
    );
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
