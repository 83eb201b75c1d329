import { beforeAll, describe, expect, it } from 'vitest';
import type { Criterion } from '#domain/model';
import {
  DocumentInputError,
  proposalDocx,
  resultsReportDocx,
  voteRecordDocx,
} from '#functions/documents/index';
import {
  ballotsFile,
  demo2024,
  noQuorumTally,
  proposalInput,
  reportInput,
  SIGNER,
  voteRecordInput,
} from './fixture.ts';
import { type DocxDocument, must, readDocx } from './read-back.ts';
import { smallSummary, TRICKY_NAME } from './small.ts';

const mm = (twips: number) => Math.round((twips * 254) / 1440) / 10;

function attr(xml: string, element: string, name: string): number {
  const tag = new RegExp(`<${element} [^>]*>`).exec(xml)?.[0] ?? '';
  const value = new RegExp(`${name}="(\\d+)"`).exec(tag)?.[1];
  if (value === undefined) throw new Error(`no ${element} ${name}`);
  return Number(value);
}

const paragraph = (doc: DocxDocument, text: string) => doc.paragraphs.find((p) => p.text === text);
const texts = (doc: DocxDocument) => doc.paragraphs.map((p) => p.text);

/** What Nghị định 30/2020 asks of every document's page, type, heading and signature. */
function expectOfficialLayout(doc: DocxDocument, symbol: string) {
  expect(attr(doc.xml, 'w:pgSz', 'w:w')).toBe(11906);
  expect(attr(doc.xml, 'w:pgSz', 'w:h')).toBe(16838);
  const margin = (side: string) => mm(attr(doc.xml, 'w:pgMar', `w:${side}`));
  for (const side of ['top', 'bottom']) {
    expect(margin(side)).toBeGreaterThanOrEqual(20);
    expect(margin(side)).toBeLessThanOrEqual(25);
  }
  expect(margin('left')).toBeGreaterThanOrEqual(30);
  expect(margin('left')).toBeLessThanOrEqual(35);
  expect(margin('right')).toBeGreaterThanOrEqual(15);
  expect(margin('right')).toBeLessThanOrEqual(20);

  const runs = doc.paragraphs.flatMap((p) => p.runs).filter((r) => r.text.trim() !== '');
  expect(runs.length).toBeGreaterThan(20);
  for (const r of runs) expect(r.font).toBe('Times New Roman');
  const small = new Set(runs.filter((r) => (r.size ?? 0) < 13).map((r) => r.text));
  for (const r of runs) expect([11, 12, 13, 14]).toContain(r.size);
  // Below 13 pt only the national name, the issuing body and the list of recipients.
  for (const t of small)
    expect(t).toMatch(
      /^(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|UBND HUYỆN SÔNG LAM|PHÒNG NỘI VỤ|HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG|Nơi nhận:|- .*)$/,
    );
  // Title, addressee and body text: 13–14 pt.
  const body = doc.bodyParagraphs.flatMap((p) => p.runs).filter((r) => r.text.trim() !== '');
  expect(body.length).toBeGreaterThan(5);
  for (const r of body) expect([13, 14]).toContain(r.size);

  const nation = paragraph(doc, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  expect(nation?.runs[0]?.bold).toBe(true);
  const motto = paragraph(doc, 'Độc lập - Tự do - Hạnh phúc');
  expect(motto?.runs[0]).toMatchObject({ bold: true, underline: true });
  // The number is left blank for the clerk.
  expect(texts(doc)).toContainEqual(expect.stringMatching(new RegExp(`^Số: {3,}/${symbol}$`)));
  const label = paragraph(doc, 'Nơi nhận:');
  expect(label?.runs[0]).toMatchObject({ bold: true, italic: true });
}

describe('results report (báo cáo kết quả) as DOCX', { timeout: 30_000 }, () => {
  // Scoring the demo year once (config, four quarters, the year, the commendation) is the slow part.
  beforeAll(() => {
    demo2024();
  }, 60_000);

  it('is laid out as Nghị định 30/2020 asks, with a blank date for the signer', async () => {
    const doc = readDocx(await resultsReportDocx(reportInput(3)));
    expectOfficialLayout(doc, 'BC-PNV');
    expect(texts(doc)).toContain('UBND HUYỆN SÔNG LAM');
    expect(paragraph(doc, 'PHÒNG NỘI VỤ')?.runs[0]?.bold).toBe(true);
    expect(texts(doc)).toContain('Sông Lam, ngày      tháng      năm 2025');
    expect(paragraph(doc, 'Sông Lam, ngày      tháng      năm 2025')?.runs[0]?.italic).toBe(true);
    expect(paragraph(doc, 'BÁO CÁO')?.runs[0]?.bold).toBe(true);
    expect(texts(doc)).toContain(
      'Kết quả chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính quý IV năm 2024',
    );
    expect(paragraph(doc, 'TRƯỞNG PHÒNG')?.runs[0]?.bold).toBe(true);
    expect(texts(doc)).toContain(SIGNER.name);
    expect(texts(doc)).toContain('- Lưu: VT, PNV.');
  });

  it('ranks each group, and names a unit without a report and one not appraised', async () => {
    const q2 = readDocx(await resultsReportDocx(reportInput(1)));
    expect(texts(q2)).toContain(
      'Đơn vị không nộp báo cáo (Không nộp báo cáo: 0 điểm, xếp cuối khối): 1 (Xã Đại Đồng).',
    );
    const communes = q2.tables.find((t) => t[0]?.[1] === 'Đơn vị' && t.some((r) => r[1] === 'Xã Đại Đồng'));
    const last = communes?.[communes.length - 1];
    expect(last?.slice(0, 5)).toEqual(['Cuối khối', 'Xã Đại Đồng', '0,00', '0,00', 'Yếu']);
    const q3 = readDocx(await resultsReportDocx(reportInput(2)));
    expect(texts(q3)).toContainEqual(
      expect.stringContaining('Chưa thẩm định, chưa xếp loại, xếp hạng kỳ này): 1 (Phòng Y tế)'),
    );
  });

  it('names the two weakest reform areas, recomputed here from the appraisals', async () => {
    const input = reportInput(3);
    const doc = readDocx(await resultsReportDocx(input));
    const set = must(input.setsByGroup.office, 'office set');
    const approved = input.results.units.filter((u) => u.group === 'office' && u.status === 'approved');
    const leafIds = (list: readonly Criterion[]): string[] =>
      list.flatMap((c) => (c.children?.length ? leafIds(c.children) : [c.id]));
    // Share of the maximum as num/den with a common denominator: compare num × other den.
    const shares = set.areas
      .filter((a) => a.kind === 'assessed')
      .map((a) => {
        const ids = leafIds(a.criteria);
        const sum = approved.reduce(
          (s, u) => s + ids.reduce((t, id) => t + (input.appraisals[u.unitId]?.appraised?.[id] ?? 0), 0),
          0,
        );
        return { area: a, num: BigInt(sum), den: BigInt(a.max * approved.length) };
      })
      .sort((x, y) => (x.num * y.den < y.num * x.den ? -1 : x.num * y.den > y.num * x.den ? 1 : 0));
    // The two lowest, and every area tied with the second; never one at the highest share.
    const cmp = (x: { num: bigint; den: bigint }, y: { num: bigint; den: bigint }) =>
      x.num * y.den < y.num * x.den ? -1 : x.num * y.den > y.num * x.den ? 1 : 0;
    const [cut, highest] = [must(shares[1], 'two areas'), must(shares.at(-1), 'areas')];
    const lowest = shares.filter((s) => cmp(s, cut) <= 0 && cmp(s, highest) < 0);
    expect(lowest.length).toBeGreaterThan(0);
    const sentence = texts(doc).find((t) => /lĩnh vực có tỷ lệ thấp nhất/i.test(t));
    const named = /thấp nhất: (.*)\.$/.exec(sentence ?? '')?.[1]?.split('; ') ?? [];
    expect(named.map((n) => n.replace(/ \(.*$/, ''))).toEqual(
      lowest.map((s) => `${s.area.id}. ${s.area.name}`),
    );
  });

  it('escapes names in the XML and reads them back unchanged', async () => {
    const buffer = await resultsReportDocx({ ...smallSummary(), signer: SIGNER });
    const doc = readDocx(buffer);
    expect(doc.xml).toContain('Xã &quot;Tân; Lập&quot; &lt;b&gt;&amp;&lt;/b&gt;');
    expect(doc.tables.some((t) => t.some((r) => r[1] === TRICKY_NAME))).toBe(true);
  });
});

describe('commendation submission (tờ trình) as DOCX', { timeout: 30_000 }, () => {
  it('is addressed to the chairman, dated, and lists exactly what the council passed', async () => {
    const d = demo2024();
    const doc = readDocx(await proposalDocx(proposalInput()));
    expectOfficialLayout(doc, 'TTr-PNV');
    expect(texts(doc)).toContain('Sông Lam, ngày 30 tháng 01 năm 2025');
    expect(paragraph(doc, 'TỜ TRÌNH')?.runs[0]?.bold).toBe(true);
    expect(texts(doc)).toContain('Kính gửi: Chủ tịch UBND huyện Sông Lam.');
    expect(doc.xml).toContain('<w:pageBreakBefore/>');
    const listed = doc.tables.flatMap((t) =>
      t
        .slice(1)
        .filter((r) => /^\d+$/.test(r[0] ?? ''))
        .map((r) => r[1]),
    );
    const byId = new Map(d.final.entries.map((e) => [e.id, e.name]));
    const expected = [...d.final.awarded, ...d.final.proposedUpward].map((id) => byId.get(id));
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(listed).not.toContain('Ngô Thị Thanh Xuân');
    expect(texts(doc)).toContainEqual(expect.stringContaining('tặng Giấy khen cho 6 tập thể và 3 cá nhân'));
  });

  it('pads the day below 10 and the months January and February only', async () => {
    const march = readDocx(await proposalDocx(proposalInput('2025-03-05')));
    expect(texts(march)).toContain('Sông Lam, ngày 05 tháng 3 năm 2025');
    const february = readDocx(await proposalDocx(proposalInput('2025-02-14')));
    expect(texts(february)).toContain('Sông Lam, ngày 14 tháng 02 năm 2025');
  });

  it('cites the law and decree in force on the decision date: 2003/91, 2022/98, 2022/152', async () => {
    const bases = async (onDate: string) => {
      const input = proposalInput();
      const proposal = { ...input.proposal, issuer: { ...input.proposal.issuer, onDate } };
      return texts(readDocx(await proposalDocx({ ...input, proposal }))).filter((t) =>
        t.startsWith('Căn cứ '),
      );
    };
    const in2023 = (await bases('2023-01-28')).join('\n');
    expect(in2023).toContain('Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003');
    expect(in2023).toContain('Nghị định số 91/2017/NĐ-CP');
    expect(in2023).not.toContain('ngày 15 tháng 6 năm 2022');
    expect(in2023).not.toContain('98/2023');
    const in2025 = (await bases('2025-01-20')).join('\n');
    expect(in2025).toContain('Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022');
    expect(in2025).toContain('Nghị định số 98/2023/NĐ-CP');
    expect((await bases('2025-07-01')).join('\n')).toContain('Nghị định số 152/2025/NĐ-CP');
  });

  it('is refused when the council passed nobody (no quorum)', async () => {
    const input = proposalInput();
    const { finalList } = await import('#domain/final-list');
    const final = finalList(input.proposal, noQuorumTally());
    await expect(async () => proposalDocx({ ...input, final })).rejects.toThrow(DocumentInputError);
  });
});

/** Counts the ballots file by hand: each member's first ballot cast before the close. */
function countByHand(file: string) {
  const { closesAt, ballots } = ballotsFile(file);
  const close = Date.parse(closesAt ?? '9999-12-31T00:00:00Z');
  const first = new Map<string, (typeof ballots)[number]>();
  for (const b of [...ballots].sort((x, y) => Date.parse(x.castAt) - Date.parse(y.castAt))) {
    if (Date.parse(b.castAt) <= close && !first.has(b.memberId)) first.set(b.memberId, b);
  }
  const counts = new Map<string, { yes: number; no: number; abstain: number }>();
  for (const b of first.values()) {
    for (const [candidate, vote] of Object.entries(b.votes)) {
      const c = counts.get(candidate) ?? { yes: 0, no: 0, abstain: 0 };
      if (vote === 'yes' || vote === 'no' || vote === 'abstain') c[vote] += 1;
      counts.set(candidate, c);
    }
  }
  return { present: first.size, counts };
}

describe('vote record (biên bản kiểm phiếu) as DOCX', { timeout: 30_000 }, () => {
  it('states the quorum and the pass threshold of all members, and each candidate’s votes', async () => {
    const d = demo2024();
    const N = d.loaded.config.council.length;
    const doc = readDocx(await voteRecordDocx(voteRecordInput()));
    expectOfficialLayout(doc, 'BB-HĐTĐKT');
    expect(paragraph(doc, 'BIÊN BẢN')?.runs[0]?.bold).toBe(true);
    const quorum = Number((2n * BigInt(N) + 2n) / 3n);
    const pass = Number((70n * BigInt(N) + 99n) / 100n);
    const { present, counts } = countByHand('ballots-2024.yaml');
    expect(texts(doc)).toContainEqual(
      `Số thành viên tham gia tối thiểu để Hội đồng đủ điều kiện xét: ⌈2/3 × ${N}⌉ = ${quorum}. Số thành viên tham gia: ${present}/${N} – đủ điều kiện.`,
    );
    expect(texts(doc)).toContainEqual(
      expect.stringContaining(`⌈70 % × ${N}⌉ = ${pass} phiếu, tính trên tổng số thành viên Hội đồng`),
    );
    const table = doc.tables.find((t) => t[0]?.[3] === 'Tán thành');
    const rows = table?.slice(1) ?? [];
    expect(rows).toHaveLength(d.proposal.ballot.length);
    rows.forEach((r, i) => {
      const id = d.proposal.ballot[i] ?? '';
      const c = counts.get(id) ?? { yes: 0, no: 0, abstain: 0 };
      expect(r.slice(3, 8)).toEqual([
        String(c.yes),
        String(c.no),
        String(c.abstain),
        String(N - c.yes - c.no - c.abstain),
        c.yes >= pass ? 'Thông qua' : 'Không thông qua',
      ]);
    });
    expect(texts(doc)).toContainEqual(
      expect.stringMatching(/^- Phiếu của Hà Thị Nga gửi lúc .*: Thành viên đã bỏ phiếu lúc/),
    );
    expect(texts(doc)).toContain('THƯ KÝ HỘI ĐỒNG');
    expect(texts(doc)).toContain('CHỦ TỊCH HỘI ĐỒNG');
  });

  it('says so when the council had no quorum, and passes nobody', async () => {
    const doc = readDocx(await voteRecordDocx(voteRecordInput(noQuorumTally())));
    const { present } = countByHand('ballots-no-quorum.yaml');
    expect(present).toBe(5);
    expect(texts(doc)).toContainEqual(
      expect.stringContaining(`Số thành viên tham gia: ${present}/8 – không đủ điều kiện`),
    );
    const table = doc.tables.find((t) => t[0]?.[3] === 'Tán thành');
    expect(table?.slice(1).every((r) => r[7] === 'Không xét')).toBe(true);
    expect(texts(doc)).toContain('Không có trường hợp nào được thông qua.');
  });
});
