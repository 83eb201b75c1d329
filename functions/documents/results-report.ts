/**
 * The period's results report (báo cáo kết quả chấm điểm, xếp hạng) of the Phòng Nội vụ: how
 * many units reported and were appraised, the ranking of each group with bands and change, and
 * the reform areas the units are weakest in.
 */
import { BAND_LABELS, FLAG_LABELS, UNIT_GROUPS, type UnitGroup } from '#domain/model';
import { BAND_ORDER } from '#domain/ranking';
import type { UnitPeriodResult } from '#domain/scoring';
import {
  formatDateVn,
  formatHundredths,
  groupNames,
  localDate,
  lowerFirst,
  percentHundredths,
  periodLabel,
  periodWithDates,
  pointsHundredths,
} from './format.ts';
import { type Block, type OfficialDocument, p, type TableColumn } from './official.ts';
import { areaAverages, bandCounts, meanOf, weakestAreas } from './stats.ts';
import type { ResultsReportInput } from './types.ts';

/** Nơi nhận by default: the People's Committee, the council, the units, the archive. */
export function defaultReportRecipients(input: Pick<ResultsReportInput, 'context' | 'issuer'>): string[] {
  return [
    `${input.context.authority} (để báo cáo)`,
    'Hội đồng Thi đua – Khen thưởng',
    'Các cơ quan, đơn vị, địa phương tham gia phong trào',
    `Lưu: VT, ${input.issuer.abbreviation}`,
  ];
}

export function resultsReportDocument(input: ResultsReportInput): OfficialDocument {
  const { context, period, results } = input;
  const year = Number(localDate(context.producedAt, context.timeZone).slice(0, 4));
  const body: Block[] = [
    p(
      `Thực hiện Kế hoạch số ${context.campaign.planNumber} ngày ${formatDateVn(context.campaign.planDate)} ` +
        `của ${context.authority} về ${lowerFirst(context.campaign.title)}, ${input.issuer.name} báo cáo kết quả ` +
        `chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính ${periodWithDates(period)} như sau:`,
    ),
    { kind: 'section', text: 'I. TÌNH HÌNH NỘP BÁO CÁO VÀ THẨM ĐỊNH' },
    ...participation(results.units, groupNames(input.context.level).title),
    { kind: 'section', text: 'II. KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI, XẾP HẠNG' },
  ];
  const groups = UNIT_GROUPS.filter((g) => results.units.some((u) => u.group === g));
  groups.forEach((group, i) => {
    body.push(...groupRanking(input, group, i + 1));
  });
  body.push({ kind: 'section', text: 'III. CÁC LĨNH VỰC CẦN TẬP TRUNG CẢI THIỆN' });
  groups.forEach((group, i) => {
    body.push(...groupAreas(input, group, i + 1));
  });
  body.push(
    p(
      'Điểm và tỷ lệ trong báo cáo được làm tròn đến hai chữ số thập phân để trình bày; xếp loại, xếp hạng ' +
        'căn cứ giá trị chính xác. Điểm chi tiết theo từng tiêu chí của từng đơn vị tại Bảng tổng hợp điểm kèm theo. ' +
        `Kết quả này là phiên bản số ${results.version} của kỳ; khi có thay đổi, kết quả được tính lại và ` +
        'công bố thành phiên bản mới, không sửa phiên bản đã công bố.',
    ),
    p(
      `Trên đây là báo cáo kết quả chấm điểm thi đua cải cách hành chính ${periodLabel(period)} ` +
        `của ${input.issuer.name}./.`,
    ),
  );
  return {
    fileTitle: `Báo cáo kết quả chấm điểm thi đua cải cách hành chính ${periodLabel(period)}`,
    issuer: input.issuer,
    symbol: `BC-${input.issuer.abbreviation}`,
    place: context.place,
    ...(context.documentDate ? { date: context.documentDate } : {}),
    year: context.documentDate ? Number(context.documentDate.slice(0, 4)) : year,
    kind: 'Báo cáo',
    summary: `Kết quả chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính ${periodLabel(period)}`,
    body,
    signers: [input.signer],
    recipients: [...(input.recipients ?? defaultReportRecipients(input))],
  };
}

const names = (units: readonly UnitPeriodResult[]) => units.map((u) => u.name).join(', ');

function participation(units: readonly UnitPeriodResult[], titles: Record<UnitGroup, string>): Block[] {
  const counts = UNIT_GROUPS.map(
    (g) => `${units.filter((u) => u.group === g).length} ${lowerFirst(titles[g]).replace(/^khối /, '')}`,
  );
  const approved = units.filter((u) => u.status === 'approved');
  const pending = units.filter((u) => u.status === 'submitted-not-appraised');
  const missing = units.filter((u) => u.status === 'not-submitted');
  const blocks: Block[] = [
    p(`Tổng số ${units.length} cơ quan, đơn vị, địa phương tham gia chấm điểm (${counts.join('; ')}).`),
    p(`Số đơn vị đã nộp báo cáo và được thẩm định: ${approved.length}.`),
  ];
  blocks.push(
    p(
      pending.length === 0
        ? `Đơn vị nộp báo cáo nhưng chưa được thẩm định khi kết thúc thời hạn thẩm định (${FLAG_LABELS['chua-tham-dinh']}): không có.`
        : `Đơn vị nộp báo cáo nhưng chưa được thẩm định khi kết thúc thời hạn thẩm định (${FLAG_LABELS['chua-tham-dinh']}, ` +
            `chưa xếp loại, xếp hạng kỳ này): ${pending.length} (${names(pending)}).`,
    ),
    p(
      missing.length === 0
        ? `Đơn vị không nộp báo cáo: không có.`
        : `Đơn vị không nộp báo cáo (${FLAG_LABELS['khong-nop-bao-cao']}: 0 điểm, xếp cuối khối): ` +
            `${missing.length} (${names(missing)}).`,
    ),
  );
  return blocks;
}

function changeText(u: UnitPeriodResult): string {
  const c = u.change;
  if (!c) return '—';
  const points = c.percentPoints
    ? formatHundredths(percentHundredths(c.percentPoints), { signed: true })
    : '—';
  const places =
    c.rankChange === null
      ? 'không so sánh'
      : c.rankChange > 0
        ? `↑${c.rankChange}`
        : c.rankChange < 0
          ? `↓${-c.rankChange}`
          : '=';
  return `${points}\n${places}`;
}

function noteText(u: UnitPeriodResult): string {
  const notes: string[] = u.flags.map((f) => FLAG_LABELS[f]);
  if (u.breakdown?.rescaled) notes.push('Không có khảo sát, quy đổi');
  return notes.join('; ');
}

function groupRanking(input: ResultsReportInput, group: UnitGroup, n: number): Block[] {
  const units = input.results.units.filter((u) => u.group === group);
  const counts = bandCounts(units.filter((u) => u.status === 'approved'));
  const mean = meanOf(units.flatMap((u) => (u.status === 'approved' && u.percent ? [u.percent] : [])));
  const previousId = units.find((u) => u.change)?.change?.previousId;
  const columns: TableColumn[] = [
    { header: 'Hạng', width: 9, align: 'center' },
    { header: 'Đơn vị', width: previousId ? 31 : 44, align: 'left' },
    { header: 'Điểm', width: 10, align: 'right' },
    { header: 'Tỷ lệ (%)', width: 10, align: 'right' },
    { header: 'Xếp loại', width: 13, align: 'center' },
    ...(previousId ? [{ header: `So với kỳ ${previousId}`, width: 13, align: 'center' as const }] : []),
    { header: 'Ghi chú', width: 14, align: 'left' },
  ];
  const rows = units.map((u) => [
    u.flags.includes('khong-nop-bao-cao') ? 'Cuối khối' : u.rank === null ? '—' : String(u.rank),
    u.name,
    u.totalExact ? formatHundredths(pointsHundredths(u.totalExact)) : '—',
    u.percent ? formatHundredths(percentHundredths(u.percent)) : '—',
    u.band ? BAND_LABELS[u.band] : '—',
    ...(previousId ? [changeText(u)] : []),
    noteText(u),
  ]);
  const bandLine = BAND_ORDER.map((b) => `${BAND_LABELS[b]}: ${counts[b]}`).join('; ');
  return [
    { kind: 'section', text: `${n}. ${groupNames(input.context.level).title[group]}` },
    p(
      `Xếp loại các đơn vị được thẩm định: ${bandLine}.` +
        (mean ? ` Tỷ lệ bình quân của khối: ${formatHundredths(percentHundredths(mean))} %.` : ''),
    ),
    { kind: 'table', columns, rows },
  ];
}

function groupAreas(input: ResultsReportInput, group: UnitGroup, n: number): Block[] {
  const set = input.setsByGroup[group];
  const units = input.results.units.filter((u) => u.group === group);
  const title: Block = { kind: 'section', text: `${n}. ${groupNames(input.context.level).title[group]}` };
  if (!set || !units.some((u) => u.status === 'approved')) {
    return [title, p('Không có đơn vị được thẩm định trong kỳ.')];
  }
  const averages = areaAverages(set, units, input.appraisals);
  const weakest = weakestAreas(
    averages.filter((a) => a.area.kind === 'assessed'),
    2,
  );
  const rows = averages.map((a) => [
    `${a.area.id}. ${a.area.name}`,
    formatHundredths(a.area.max),
    a.mean ? formatHundredths(pointsHundredths(a.mean)) : '—',
    a.share ? formatHundredths(percentHundredths(a.share)) : '—',
  ]);
  const weakText = weakest
    .map(
      (a) =>
        `${a.area.id}. ${a.area.name} (${a.share ? formatHundredths(percentHundredths(a.share)) : '—'} %)`,
    )
    .join('; ');
  return [
    title,
    p(
      'Điểm bình quân của các đơn vị được thẩm định theo từng lĩnh vực, so với điểm tối đa của lĩnh vực' +
        (averages.some((a) => a.area.kind === 'survey')
          ? ' (lĩnh vực khảo sát: bình quân của các đơn vị có kết quả khảo sát)'
          : '') +
        '. ' +
        (weakest.length === 0
          ? averages.filter((a) => a.area.kind === 'assessed' && a.share !== null).length < 2
            ? 'Không đủ số liệu để so sánh các lĩnh vực.'
            : 'Các lĩnh vực có cùng tỷ lệ.'
          : `${weakest.length === 1 ? 'Lĩnh vực có tỷ lệ thấp nhất' : 'Các lĩnh vực có tỷ lệ thấp nhất'}: ${weakText}.`),
    ),
    {
      kind: 'table',
      columns: [
        { header: 'Lĩnh vực', width: 58, align: 'left' },
        { header: 'Điểm tối đa', width: 14, align: 'right' },
        { header: 'Điểm bình quân', width: 14, align: 'right' },
        { header: 'Tỷ lệ (%)', width: 14, align: 'right' },
      ],
      rows,
    },
  ];
}
