/**
 * The unit's report page rendered from view models made with the demo district's data: sections
 * per reform area with their subtotals, the contents, the bar with the running total, the late
 * banner, the view of commented criteria after a return, a refused post offering to save its valid
 * part, the 05T/05K confirmation, the evidence rows (one blank, more added by the script).
 */
import { describe, expect, it } from 'vitest';
import type { Appraisal } from '#domain/model';
import { ROWS } from '#web/report-fields';
import { parseReportForm } from '#web/report-form';
import { isLate, type ReportPageModel, renderReportPage, reportNotice } from '#web/report-page';
import { config, formOf, leaves, officeSet, period, reportWith, unit } from './fixtures.ts';

const BEFORE_DEADLINE = new Date('2022-10-05T03:00:00Z');
const AFTER_DEADLINE = new Date('2022-10-12T03:00:00Z');
const AFTER_CLOSE = new Date('2022-10-25T03:00:00Z');

function model(over: Partial<ReportPageModel> = {}): ReportPageModel {
  return { authority: config.district.authority, unit, period, set: officeSet, version: 0, ...over };
}

function stored(report = reportWith({}), status: 'draft' | 'submitted' | 'returned' | 'approved' = 'draft') {
  return { status, version: 4, updatedAt: '2022-10-04T02:30:00Z', report };
}

/** The element that opens with `<tag … id="id"…>`. */
function openingTag(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  expect(at, `no element with id ${id}`).toBeGreaterThan(-1);
  return html.slice(html.lastIndexOf('<', at), html.indexOf('>', at) + 1);
}

describe('sections, contents and the running total', () => {
  // 0,1 + 0,2 is 0.30000000000000004 in floating point: the page must say 0,3.
  const report = reportWith({ '1.1.1': 100, '1.2.1': 10, '1.2.2': 20, '2.1.1': 100 });
  const html = renderReportPage(model({ stored: stored(report), report, version: 4 }));

  it('gives every reform area its section, with its subtotal and maximum', () => {
    expect(html).toContain(
      'Tự chấm <strong data-subtotal>1,3</strong> / 9 điểm · đã chấm <strong data-scored>3</strong>/10 tiêu chí',
    );
    expect(html).toContain('Tự chấm <strong data-subtotal>1</strong> / 6 điểm');
    for (const area of officeSet.areas) expect(openingTag(html, `linh-vuc-${area.id}`)).toMatch(/^<section/);
    expect(html).toContain('Tối đa 30 điểm, theo kết quả khảo sát');
  });

  it('links every area from the contents to its section', () => {
    const links = [...html.matchAll(/<a href="#(linh-vuc-[^"]+)">/g)].map((m) => m[1]);
    expect(links).toHaveLength(officeSet.areas.length);
    for (const id of links) expect(html).toContain(`id="${id}"`);
    for (const id of ['sang-kien', 'f-selfcheck', 'de-nghi']) expect(html).toContain(`id="${id}"`);
  });

  it('opens with the bar: the total of self-scores against 70 points, scored n of 71', () => {
    const main = html.slice(html.indexOf('<main'));
    expect(main.indexOf('id="tien-do"')).toBeLessThan(main.indexOf('<h1>'));
    expect(html).toContain('Tổng tự chấm: <strong data-total>2,3</strong>/70 điểm');
    // The survey's 30 points are not the unit's to give: the bar says so (70 is not the campaign's 100).
    expect(html).toContain('(chưa kể 30 điểm khảo sát)');
    expect(html).toContain('Đã chấm <strong data-scored>4</strong>/71 tiêu chí');
    expect(html).not.toContain('0,30000000000000004');
  });

  it('counts what was typed on a refused post, invalid scores apart', () => {
    const raw = formOf({ 'score[1.1.1]': '0,75', 'score[1.1.2]': 'abc', 'score[1.2.1]': '0,6' });
    const page = renderReportPage(model({ raw, version: 3 }));
    expect(page).toContain('Tổng tự chấm: <strong data-total>0,75</strong>/70 điểm');
    expect(page).toMatch(/data-invalid-wrap><strong data-invalid>2<\/strong> ô điểm chưa hợp lệ/);
  });

  it('has no bar on a submitted report, and its script only on a form', () => {
    const assets = { script: '/assets/report-form.js', style: '/assets/report-form.css' };
    const readOnly = renderReportPage(model({ stored: stored(report, 'submitted'), version: 4, assets }));
    expect(readOnly).not.toContain('id="tien-do"');
    // The total stays, in the heading's facts: the unit and its office read what it claimed.
    expect(readOnly).toContain('<span>Tổng tự chấm: 2,3/70 điểm (chưa kể 30 điểm khảo sát)</span>');
    expect(readOnly).not.toContain('<script');
    expect(readOnly).toContain('<link rel="stylesheet" href="/assets/report-form.css">');
    const editable = renderReportPage(model({ stored: stored(report), version: 4, assets }));
    expect(editable).toContain('<script type="module" src="/assets/report-form.js"></script>');
    expect(editable).not.toMatch(/<script>|on(click|input|load)=/);
  });
});

describe('the "chưa có minh chứng" warning', () => {
  // 1.1.1 is claimed without evidence; 1.2.1 is claimed with a document; 1.1.2 is not scored.
  const report = reportWith({ '1.1.1': 100, '1.2.1': 10 });
  const withDoc = {
    ...report,
    entries: {
      ...report.entries,
      '1.2.1': { selfScore: 10, explanation: '', evidence: [{ number: '05/KH-TP' }] },
    },
  };
  const leafOf = (html: string, id: string) => {
    const at = html.indexOf(`id="leaf-${id}"`);
    return html.slice(at, html.indexOf('id="leaf-', at + 1));
  };
  const FLAG = '⚠ Có tự chấm điểm nhưng chưa có minh chứng';

  it('is shown where the server finds it, and on the form waits hidden beside every other criterion requiring evidence', () => {
    const html = renderReportPage(model({ stored: stored(withDoc), version: 4 }));
    expect(openingTag(html, 'leaf-1.1.1')).toContain('data-evidence-required');
    expect(leafOf(html, '1.1.1')).toContain(`<p class="flag" data-flag>${FLAG}</p>`);
    expect(leafOf(html, '1.2.1')).toContain(`<p class="flag" data-flag hidden>${FLAG}</p>`);
    expect(leafOf(html, '1.1.2')).toContain(`<p class="flag" data-flag hidden>${FLAG}</p>`);
    // Shown once: a page without script says exactly what it said before.
    expect(html.match(/<p class="flag"[^>]*>/g)?.filter((tag) => !tag.includes('hidden'))).toEqual([
      '<p class="flag" data-flag>',
    ]);
  });

  it('on a read-only report is drawn only where it applies, with nothing for a script', () => {
    const html = renderReportPage(model({ stored: stored(withDoc, 'submitted'), version: 4 }));
    expect(html.match(/<p class="flag"[^>]*>/g)).toEqual(['<p class="flag">']);
    expect(leafOf(html, '1.1.1')).toContain(`<p class="flag">${FLAG}</p>`);
    expect(html).not.toContain('data-evidence-required');
  });
});

describe('the deadline', () => {
  it('is not mentioned as late before it passes', () => {
    expect(isLate(period, BEFORE_DEADLINE)).toBe(false);
    expect(renderReportPage(model({ now: BEFORE_DEADLINE }))).not.toContain('nộp muộn');
    expect(reportNotice('saved', { version: 2, late: false }).text).toContain('nộp trước hạn');
  });

  it('after it, a banner says the report is late until review close, and nothing says "nộp trước hạn"', () => {
    const page = renderReportPage(model({ now: AFTER_DEADLINE, stored: stored(), version: 4 }));
    expect(page).toContain('Báo cáo nộp muộn');
    expect(page).toContain(
      'Đã quá hạn nộp báo cáo (17:00 11/10/2022). Đơn vị vẫn nộp được đến 17:00 21/10/2022',
    );
    expect(page).not.toContain('trước hạn');
    expect(reportNotice('saved', { version: 2, late: true }).text).not.toContain('trước hạn');
  });

  it('after review close, says a report submitted now counts as not submitted', () => {
    expect(renderReportPage(model({ now: AFTER_CLOSE }))).toContain(
      'được tính là không nộp báo cáo trong kỳ',
    );
  });

  it('is not shown once the report is submitted', () => {
    const page = renderReportPage(
      model({ now: AFTER_DEADLINE, stored: stored(reportWith({}), 'submitted'), version: 4 }),
    );
    expect(page).not.toContain('Báo cáo nộp muộn');
  });

  it('a report submitted after it says it was late, with when; one submitted before it says nothing of the kind', () => {
    const late = { ...stored(reportWith({}), 'submitted'), submittedAt: '2022-10-12T02:00:00Z' };
    expect(renderReportPage(model({ now: AFTER_DEADLINE, stored: late, version: 4 }))).toContain(
      '<span class="flag">Nộp muộn: nộp lúc 09:00 12/10/2022, sau hạn nộp</span>',
    );
    const onTime = { ...stored(reportWith({}), 'submitted'), submittedAt: '2022-10-11T09:59:00Z' };
    expect(renderReportPage(model({ now: AFTER_DEADLINE, stored: onTime, version: 4 }))).not.toContain(
      'Nộp muộn',
    );
  });
});

/** A reviewer's appraisal of the demo unit's report with these entries. */
function appraisalOf(entries: Appraisal['entries']): Appraisal {
  return {
    unitId: unit.id,
    periodId: period.id,
    criteriaSetId: officeSet.id,
    reviewerId: 'nguyen-van-thanh',
    entries,
  };
}

describe('after a return', () => {
  const appraisal = appraisalOf({
    '1.1.1': { score: 0, comment: 'Chưa nêu số, ngày của kế hoạch.' },
    '1.1.2': { score: 100, comment: '' },
    '3.1.1': { score: 50, comment: 'Thiếu <minh chứng> tỷ lệ hồ sơ đúng hạn.' },
  });
  const report = reportWith({ '1.1.1': 100, '1.1.2': 100, '3.1.1': 100 });
  const rounds = [
    { round: 1, appraisal: { appraisal, round: 1, approvalId: 'a', recordedAt: '2022-10-14T02:00:00Z' } },
  ];
  const viewLinks = { all: '/r?k=k1&id=x', commented: '/r?k=k1&id=x&xem=nhan-xet' };

  it('shows only the commented criteria on request, keeping the others in the form, hidden', () => {
    const page = renderReportPage(
      model({ stored: stored(report, 'returned'), version: 4, rounds, view: 'commented', viewLinks }),
    );
    expect(openingTag(page, 'leaf-1.1.1')).not.toContain('hidden');
    expect(openingTag(page, 'leaf-3.1.1')).not.toContain('hidden');
    expect(openingTag(page, 'leaf-1.1.2')).toContain(' hidden');
    expect(openingTag(page, 'linh-vuc-2')).toContain(' hidden');
    // The hidden criterion still posts its value: a save keeps it.
    expect(page).toMatch(/name="score\[1\.1\.2\]" value="1"/);
    expect(page).toContain('chỉ các tiêu chí có nhận xét (2)');
    expect(page).toContain('Thiếu &lt;minh chứng&gt; tỷ lệ hồ sơ đúng hạn.');
  });

  it('shows every criterion in the other view, and a criterion with a problem in both', () => {
    const all = renderReportPage(
      model({ stored: stored(report, 'returned'), version: 4, rounds, viewLinks }),
    );
    expect(openingTag(all, 'leaf-1.1.2')).not.toContain('hidden');
    const raw = formOf({ 'score[1.1.1]': '1', 'score[1.1.2]': '9' });
    const problem = [
      { field: 'score[1.1.2]', message: 'Điểm tự chấm của tiêu chí 1.1.2 là 9, ngoài khoảng 0–1 điểm.' },
    ];
    const refused = renderReportPage(
      model({
        stored: stored(report, 'returned'),
        raw,
        version: 4,
        rounds,
        view: 'commented',
        viewLinks,
        problems: problem,
      }),
    );
    expect(openingTag(refused, 'leaf-1.1.2')).not.toContain('hidden');
  });
});

describe('a returned report filled in full: what folds on a phone', () => {
  const LONG = `Đơn vị đã ban hành kế hoạch <đúng hạn> & triển khai. ${'Có kiểm tra, đôn đốc và báo cáo kết quả định kỳ hằng quý. '.repeat(6)}`;
  const evidence = (id: string, refs = 2) => [
    ...Array.from({ length: refs }, (_, i) => ({
      number: `${i + 1}/KH-TP`,
      date: '2022-01-10',
      title: `Kế hoạch ${id}`,
    })),
    {
      file: {
        key: `evidence/${unit.id}/${period.id}/r1/0001-${id}.pdf`,
        versionId: 'v1',
        name: `Minh chứng ${id}.pdf`,
        size: 1_000,
        type: 'application/pdf',
      },
    },
  ];
  const filled = (changes: (id: string) => { explanation?: string; refs?: number } = () => ({})) => {
    const report = reportWith(Object.fromEntries(leaves.map(({ leaf }) => [leaf.id, leaf.max])));
    for (const [id, entry] of Object.entries(report.entries)) {
      const change = changes(id);
      entry.explanation = change.explanation ?? LONG;
      entry.evidence = evidence(id, change.refs);
    }
    return report;
  };
  const max = (id: string) => leaves.find(({ leaf }) => leaf.id === id)?.leaf.max ?? 0;
  const appraisal = appraisalOf({
    ...Object.fromEntries(leaves.map(({ leaf }) => [leaf.id, { score: leaf.max, comment: '' }])),
    '1.1.1': { score: 0, comment: 'Chưa nêu số, ngày của kế hoạch.' },
    // Scored otherwise without a comment (a comment is required now; an older round had none).
    '1.1.2': { score: max('1.1.2') / 2, comment: '' },
  });
  const rounds = [
    { round: 1, appraisal: { appraisal, round: 1, approvalId: 'a', recordedAt: '2022-10-14T02:00:00Z' } },
  ];
  // Since the return the unit added a reference to 2.1.1 and rewrote the explanation of 2.1.2.
  const now = filled((id) =>
    id === '2.1.1' ? { refs: 3 } : id === '2.1.2' ? { explanation: `${LONG} Đã bổ sung.` } : {},
  );
  const seen = filled();
  const page = (over: Partial<ReportPageModel> = {}) =>
    renderReportPage(
      model({ stored: stored(now, 'returned'), version: 6, rounds, returnedReport: seen, ...over }),
    );
  /** A criterion's part of the page: from its opening tag to the next criterion's or the area's end. */
  const leafPart = (html: string, id: string) => {
    const at = html.indexOf(`id="leaf-${id}"`);
    expect(at).toBeGreaterThan(-1);
    const next = html.slice(at + 1).search(/<div class="leaf[" ]|<\/section>/);
    return html.slice(at, at + 1 + next);
  };
  const evidenceFold = (part: string) => /<details class="evidence-rows"[^>]*>/.exec(part)?.[0];
  const textFold = (part: string) => /<details class="long-text"[^>]*>/.exec(part)?.[0];

  it('folds the evidence of a criterion the reviewer left alone under its count, and its long explanation under its first words', () => {
    const part = leafPart(page(), '1.2.1');
    expect(evidenceFold(part)).toBe('<details class="evidence-rows">');
    expect(part).toContain(
      '<summary>Minh chứng: <span data-evidence-count>2 văn bản, 1 tệp</span></summary>',
    );
    expect(textFold(part)).toBe('<details class="long-text">');
    // The first words, escaped, cut at a word's end; the count of characters.
    expect(part).toMatch(
      /<summary><strong>Giải thích<\/strong> \(4\d\d ký tự\)<span class="preview">: Đơn vị đã ban hành kế hoạch &lt;đúng hạn&gt; &amp; triển khai\. Có kiểm tra, đôn[^<]*…<\/span><\/summary>/,
    );
    // Folded, the fields are all there, with what they hold.
    expect(part).toContain('name="evidence[1.2.1][1][number]" value="2/KH-TP"');
    expect(part).toContain('name="file[1.2.1][0][key]"');
    expect(part).toContain('&lt;đúng hạn&gt; &amp; triển khai');
    expect(part).not.toContain('<đúng hạn>');
  });

  it('keeps fully open every criterion the reviewer commented on or scored otherwise', () => {
    const html = page();
    for (const id of ['1.1.1', '1.1.2']) {
      const part = leafPart(html, id);
      expect(evidenceFold(part), id).toMatch(/ open>$/);
      expect(textFold(part), id).toBeUndefined();
      expect(part).toContain(`name="explanation[${id}]"`);
    }
  });

  it('opens a fold the unit changed since the return: the evidence of one, the explanation of another', () => {
    const html = page();
    expect(evidenceFold(leafPart(html, '2.1.1'))).toMatch(/ open>$/);
    expect(textFold(leafPart(html, '2.1.1'))).toBe('<details class="long-text">');
    expect(textFold(leafPart(html, '2.1.2'))).toBe('<details class="long-text" open>');
    expect(evidenceFold(leafPart(html, '2.1.2'))).toBe('<details class="evidence-rows">');
    // Without the report as returned, nothing is known to have changed: both fold.
    const unknown = page({ returnedReport: undefined });
    expect(evidenceFold(leafPart(unknown, '2.1.1'))).toBe('<details class="evidence-rows">');
  });

  it('opens a fold holding a field with a problem', () => {
    const problems = [
      { field: 'evidence[1.2.1][0][date]', message: 'Tiêu chí 1.2.1, minh chứng 1: ngày không hợp lệ.' },
      { field: 'explanation[1.2.2]', message: 'Tiêu chí 1.2.2: phần giải thích dài quá 5000 ký tự.' },
      { field: 'score[2.2.1]', message: 'Tiêu chí 2.2.1: điểm tự chấm không hợp lệ.' },
    ];
    const html = page({ problems });
    expect(evidenceFold(leafPart(html, '1.2.1'))).toMatch(/ open>$/);
    expect(textFold(leafPart(html, '1.2.1'))).toBe('<details class="long-text">');
    expect(textFold(leafPart(html, '1.2.2'))).toBe('<details class="long-text" open>');
    expect(evidenceFold(leafPart(html, '1.2.2'))).toBe('<details class="evidence-rows">');
    // The score box is never folded: its problem is in the open already.
    expect(leafPart(html, '2.2.1')).toMatch(/<input[^>]*name="score\[2\.2\.1\]"[^>]*aria-invalid="true"/);
    expect(leafPart(html, '2.2.1').indexOf('name="score[2.2.1]"')).toBeLessThan(
      leafPart(html, '2.2.1').indexOf('<details'),
    );
  });

  it('keeps every field inside the one form, folded or not, so a save posts them all', () => {
    const html = page();
    expect(html.match(/<form /g)).toHaveLength(1);
    const start = html.indexOf('<form ');
    const end = html.indexOf('</form>');
    const named = [...html.matchAll(/<(?:input|textarea|select)\b[^>]*\bname="/g)].map((m) => m.index ?? -1);
    expect(named.length).toBeGreaterThan(leaves.length * 12);
    expect(named.filter((at) => at < start || at > end)).toEqual([]);
    // Every criterion's evidence and explanation are there, folded or open.
    for (const { leaf } of leaves) {
      expect(html).toContain(`name="evidence[${leaf.id}][1][title]" value="Kế hoạch ${leaf.id}"`);
      expect(html).toContain(`name="explanation[${leaf.id}]"`);
    }
  });

  it('folds only there: a first-round form keeps filled evidence open and long explanations in their boxes', () => {
    const draft = renderReportPage(model({ stored: stored(now), version: 4 }));
    expect(draft).not.toContain('class="long-text"');
    expect(draft.match(/<details class="evidence-rows" open>/g)).toHaveLength(leaves.length);
    expect(draft).toContain(
      '<summary>Minh chứng: <span data-evidence-count>3 văn bản, 1 tệp</span></summary>',
    );
  });
});

describe('an approved report', () => {
  it('says the appraised total beside the self-scored one, and the general comment, on top', () => {
    const appraisal = appraisalOf({
      '1.1.1': { score: 50, comment: 'Kế hoạch ban hành muộn.' },
      '1.1.2': { score: 100, comment: '' },
    });
    const report = reportWith({ '1.1.1': 100, '1.1.2': 100 });
    const page = renderReportPage(
      model({
        stored: stored(report, 'approved'),
        version: 5,
        rounds: [
          {
            round: 1,
            appraisal: { appraisal, round: 1, approvalId: 'a', recordedAt: '2022-10-14T02:00:00Z' },
            generalComment: 'Báo cáo đầy đủ, đúng mẫu.',
          },
        ],
      }),
    );
    expect(page).toContain('<h2>Kết quả thẩm định</h2>');
    expect(page).toContain(
      'Tổng điểm thẩm định: <strong>1,5</strong>/70 điểm; đơn vị tự chấm 2 điểm (chưa kể 30 điểm khảo sát)',
    );
    expect(page).toContain('Báo cáo đầy đủ, đúng mẫu.');
    // The one round is not also offered as an "earlier" round to unfold.
    expect(page).not.toContain('Các vòng thẩm định trước');
    expect(page).toContain('Nhận xét: Kế hoạch ban hành muộn.');
  });
});

describe('a refused post', () => {
  const raw = formOf({
    'score[1.1.1]': '1',
    'score[1.1.2]': 'một',
    'explanation[1.1.2]': '<script>alert(1)</script>',
    t05: '0',
  });
  const parsed = parseReportForm(raw, {
    unitId: unit.id,
    periodId: period.id,
    set: officeSet,
    now: BEFORE_DEADLINE,
    mode: 'submit',
  });

  it('comes back as typed with an offer to save its valid part, inside the form', () => {
    const page = renderReportPage(
      model({ raw, report: parsed.report, problems: parsed.problems, version: 3, offerValidDraft: true }),
    );
    const form = page.slice(page.indexOf('<form'), page.indexOf('</form>'));
    expect(form).toContain('<button type="submit" name="action" value="save-valid"');
    expect(form).toContain('value="một"');
    expect(form).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('lần gửi này chưa lưu gì');
  });

  it('after its valid part was saved, says which items were not, and offers nothing more', () => {
    const page = renderReportPage(
      model({
        raw,
        report: parsed.report,
        problems: parsed.problems,
        version: 4,
        offerValidDraft: true,
        partlySaved: true,
      }),
    );
    expect(page).toContain('các mục này chưa được lưu');
    expect(page).not.toContain('value="save-valid"');
    expect(page).toContain('<input type="hidden" name="version" value="4">');
  });

  it('asks to confirm the empty 05K message with a box the summary links to', () => {
    const page = renderReportPage(
      model({ raw, report: parsed.report, problems: parsed.problems, version: 3 }),
    );
    expect(page).toContain('<a href="#f-selfcheck-confirmed">');
    expect(openingTag(page, 'f-selfcheck-confirmed')).toMatch(
      /^<input type="checkbox" id="f-selfcheck-confirmed" name="selfcheck-confirmed" value="1" aria-invalid="true"/,
    );
    expect(renderReportPage(model({ version: 3 }))).not.toContain('selfcheck-confirmed');
  });
});

describe('evidence rows', () => {
  /** The row numbers drawn for a leaf, each with whether every one of its fields is empty. */
  function rowsOf(html: string, leaf: string): { row: number; blank: boolean }[] {
    const rows = new Map<number, boolean>();
    for (const m of html.matchAll(
      /<input [^>]*name="evidence\[([^\]]+)\]\[(\d+)\]\[[a-z]+\]" value="([^"]*)"/g,
    )) {
      if (m[1] !== leaf) continue;
      const row = Number(m[2]);
      rows.set(row, (rows.get(row) ?? true) && m[3] === '');
    }
    return [...rows].map(([row, blank]) => ({ row, blank }));
  }
  const refs = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ number: `${i + 1}/KH-TP`, date: '2022-01-10' }));
  const withEvidence = (n: number) => {
    const report = reportWith({ '1.1.1': 100 });
    const entry = { selfScore: 100, explanation: '', evidence: refs(n) };
    return { ...report, entries: { ...report.entries, '1.1.1': entry } };
  };

  it('are one blank row per criterion on a new form, with a hidden "Thêm dòng minh chứng" for the script', () => {
    const html = renderReportPage(model());
    for (const { leaf } of leaves) {
      expect(rowsOf(html, leaf.id), leaf.id).toEqual([{ row: 0, blank: true }]);
    }
    const buttons = [
      ...html.matchAll(
        /<div class="add-row" data-add-evidence="([^"]+)" hidden><button type="button" class="secondary">Thêm dòng minh chứng<\/button><\/div>/g,
      ),
    ];
    expect(buttons.map((m) => m[1])).toEqual(leaves.map(({ leaf }) => leaf.id));
    // Shown to no one without script: no control on the page does nothing when pressed.
    expect(html).not.toMatch(/data-add-evidence="[^"]+">/);
  });

  it('are the stored ones and one blank, up to ROWS.evidenceMax', () => {
    const two = withEvidence(2);
    const html = renderReportPage(model({ stored: stored(two), version: 4 }));
    expect(rowsOf(html, '1.1.1')).toEqual([
      { row: 0, blank: false },
      { row: 1, blank: false },
      { row: 2, blank: true },
    ]);
    expect(html).toContain('name="evidence[1.1.1][1][number]" value="2/KH-TP"');
    expect(rowsOf(html, '1.1.2')).toEqual([{ row: 0, blank: true }]);
    // Each block's summary, read folded, says what it holds: two rows, or none yet.
    const summaries = [
      ...html.matchAll(/<summary>Minh chứng: <span data-evidence-count>([^<]*)<\/span><\/summary>/g),
    ].map((m) => m[1]);
    expect(summaries).toHaveLength(leaves.length);
    expect(summaries[leaves.findIndex(({ leaf }) => leaf.id === '1.1.1')]).toBe('2 văn bản');
    expect(summaries.filter((x) => x === 'chưa có')).toHaveLength(leaves.length - 1);
    const full = withEvidence(ROWS.evidenceMax);
    const fullRows = rowsOf(renderReportPage(model({ stored: stored(full), version: 4 })), '1.1.1');
    expect(fullRows).toHaveLength(ROWS.evidenceMax);
    expect(fullRows.every((r) => !r.blank)).toBe(true);
  });

  /** The page a draft post is answered with: what was posted, its problems beside it. */
  const refusedPage = (raw: ReturnType<typeof formOf>) => {
    const parsed = parseReportForm(raw, {
      unitId: unit.id,
      periodId: period.id,
      set: officeSet,
      now: BEFORE_DEADLINE,
      mode: 'draft',
    });
    return renderReportPage(model({ raw, report: parsed.report, problems: parsed.problems, version: 3 }));
  };

  it('after a refused post, are the rows as posted, those the script added included', () => {
    const raw = formOf({
      'score[1.1.1]': 'một',
      ...Object.fromEntries(
        [0, 1, 2, 3, 4].map((i) => [`evidence[1.1.1][${i}][number]`, i === 2 ? '' : `${i + 1}/KH-TP`]),
      ),
    });
    const html = refusedPage(raw);
    expect(rowsOf(html, '1.1.1').map((r) => [r.row, r.blank])).toEqual([
      [0, false],
      [1, false],
      [2, true],
      [3, false],
      [4, false],
    ]);
  });

  it('too many: the problem is named on the rows, which the summary links to, open', () => {
    const raw = formOf({
      'score[1.1.1]': '1',
      'evidence[1.1.1][0][number]': '1/KH-TP',
      [`evidence[1.1.1][${ROWS.evidenceMax}][number]`]: '11/KH-TP',
    });
    const html = refusedPage(raw);
    expect(html).toContain(
      '<a href="#f-evidence-1-1-1">Tiêu chí 1.1.1: mỗi tiêu chí ghi được tối đa 10 dòng',
    );
    expect(openingTag(html, 'f-evidence-1-1-1')).toBe(
      '<details class="evidence-rows" id="f-evidence-1-1-1" open>',
    );
    expect(html).toContain('<p class="problem" id="f-evidence-1-1-1-loi">Tiêu chí 1.1.1: mỗi tiêu chí');
    expect(openingTag(html, 'leaf-1.1.1')).toContain('class="leaf has-problem"');
  });
});
