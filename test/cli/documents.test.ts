/**
 * `thidua score --out` and `thidua commend --out` / `--vote-record` writing the documents an
 * auditor files, offline, read back as their users' programs read them: the workbook with
 * exceljs, the CSV's bytes, word/document.xml of each DOCX, the HTML's text.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDistrict } from '#domain/config-files';
import { defaultSigner, recordSigners } from '#functions/documents/signers';
import { signerOption } from '../../cli/documents.ts';
import { htmlText, parseCsv, readDocx } from '../documents/read-back.ts';
import { repo, tempDir, thidua } from '../helpers/cli.ts';

const dir = tempDir('documents');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DISTRICT = 'districts/demo.yaml';
const SCORE = ['score', '--district', DISTRICT, '--appraisals', 'examples/appraisals-2024.yaml'];
const out = (name: string) => join(dir, name);

interface UnitJson {
  name: string;
  group: string;
  percent: number | null;
  rank: number | null;
}

const docText = (file: string) => {
  const doc = readDocx(readFileSync(file));
  return [...doc.paragraphs.map((p) => p.text), ...doc.tables.flat(2)].join('\n');
};

describe('thidua score --out: the scoring summary and the results report', { timeout: 60_000 }, () => {
  let units: UnitJson[] = [];

  beforeAll(async () => {
    const json = await thidua(...SCORE, '--period', '2024Q4', '--json');
    expect(json.code).toBe(0);
    units = JSON.parse(json.stdout).units;
    const runs = await Promise.all(
      ['kq.xlsx', 'kq.csv', 'kq.docx', 'kq.html'].map((f) =>
        thidua(...SCORE, '--period', '2024Q4', '--out', out(f)),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('XLSX: one sheet per group, units across in ranking order with the percentages and ranks scoring gave, no formula', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out('kq.xlsx'));
    expect(book.worksheets.map((w) => w.name)).toEqual(['Khối cơ quan', 'Khối xã, thị trấn']);
    const sheet = book.getWorksheet('Khối cơ quan');
    if (!sheet) throw new Error('no office sheet');
    const rows: unknown[][] = [];
    sheet.eachRow((row) => {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      rows.push(values);
      for (const v of values) expect(typeof v === 'object' && v !== null && 'formula' in v).toBe(false);
    });
    const header = rows.find((r) => r.includes('Điểm tối đa')) ?? [];
    const offices = units.filter((u) => u.group === 'office');
    expect(header.slice(-offices.length)).toEqual(offices.map((u) => u.name));
    const percent = rows.find((r) => r.includes('Tỷ lệ (%)')) ?? [];
    expect(percent.slice(-offices.length)).toEqual(offices.map((u) => u.percent ?? '—'));
    const ranks = rows.find((r) => r.includes('Xếp hạng trong khối')) ?? [];
    expect(ranks.slice(-offices.length).filter((v) => typeof v === 'number')).toEqual(
      offices.flatMap((u) => (u.rank === null ? [] : [u.rank])),
    );
  });

  it('CSV: what Excel in Vietnamese opens — BOM, ";", decimal commas, every unit', () => {
    const bytes = readFileSync(out('kq.csv'));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(bytes.toString('utf8').slice(1));
    const names = new Set(rows.flat());
    for (const u of units) expect(names.has(u.name)).toBe(true);
    const leader = units.find((u) => u.rank === 1 && u.group === 'office');
    expect(rows.flat()).toContain(String(leader?.percent).replace('.', ','));
  });

  it('DOCX and HTML: the results report of the period, signed by default by the most senior admin', () => {
    const text = docText(out('kq.docx'));
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('KT. TRƯỞNG PHÒNG');
    expect(text).toContain('PHÓ TRƯỞNG PHÒNG');
    expect(text).toContain('Lê Thị Mai');
    const leader = units.find((u) => u.rank === 1 && u.group === 'office');
    expect(text).toContain(leader?.name);
    const page = htmlText(readFileSync(out('kq.html'), 'utf8'));
    for (const line of ['KT. TRƯỞNG PHÒNG', 'Lê Thị Mai', leader?.name ?? '']) expect(page).toContain(line);
  });

  it('--signer names who signs; a year has no report document, and nothing is written', async () => {
    const signed = await thidua(
      ...SCORE,
      '--period',
      '2024Q4',
      '--signer',
      'Trưởng phòng: Nguyễn Văn Thành',
      '--out',
      out('ky.docx'),
    );
    expect(signed.code).toBe(0);
    const text = docText(out('ky.docx'));
    expect(text).toContain('Nguyễn Văn Thành');
    expect(text).not.toContain('KT. TRƯỞNG PHÒNG');
    const year = await thidua(...SCORE, '--year', '2024', '--out', out('nam.docx'));
    expect(year.code).toBe(2);
    expect(year.stderr).toContain('báo cáo kết quả (.docx) chỉ lập cho một kỳ');
    expect(existsSync(out('nam.docx'))).toBe(false);
    const summary = await thidua(...SCORE, '--year', '2024', '--out', out('nam.xlsx'));
    expect(summary.code).toBe(0);
    const bad = await thidua(...SCORE, '--out', out('kq.pdf'));
    expect(bad.code).toBe(2);
  });
});

describe('thidua commend --out and --vote-record: the submission and the council vote record', {
  timeout: 60_000,
}, () => {
  const results = out('kq-2024.json');
  const commend = (...args: string[]) =>
    thidua(
      'commend',
      '--district',
      DISTRICT,
      '--results',
      results,
      '--nominations',
      'examples/nominations-2024.yaml',
      ...args,
    );

  beforeAll(async () => {
    expect((await thidua(...SCORE, '--year', '2024', '--out', results)).code).toBe(0);
  }, 60_000);

  it('writes the tờ trình with its list and the biên bản kiểm phiếu whose tally matches the ballots counted by hand', async () => {
    const r = await commend(
      '--ballots',
      'examples/ballots-2024.yaml',
      '--out',
      out('tt.docx'),
      '--vote-record',
      out('bb.docx'),
    );
    expect(r.code, r.stderr).toBe(0);
    const submission = docText(out('tt.docx'));
    expect(submission).toContain('TỜ TRÌNH');
    expect(submission).toContain('Kính gửi');
    const record = readDocx(readFileSync(out('bb.docx')));
    const recordText = docText(out('bb.docx'));
    expect(recordText).toContain('BIÊN BẢN');
    expect(recordText).toContain('Đặng Văn Long');
    expect(recordText).toContain('Trần Quốc Huy');
    // Yes votes per candidate, counted from the file: first ballot of each member, before the close.
    // The repository's own example, read by hand as a person counting would: its shape is known.
    const file = parse(readFileSync(repo('examples/ballots-2024.yaml'), 'utf8')) as {
      closesAt: string;
      ballots: { memberId: string; castAt: string; votes: Record<string, string> }[];
    };
    const counted = new Set<string>();
    const yes = new Map<string, number>();
    for (const b of [...file.ballots].sort((a, c) => Date.parse(a.castAt) - Date.parse(c.castAt))) {
      if (counted.has(b.memberId) || Date.parse(b.castAt) > Date.parse(file.closesAt)) continue;
      counted.add(b.memberId);
      for (const [id, v] of Object.entries(b.votes)) if (v === 'yes') yes.set(id, (yes.get(id) ?? 0) + 1);
    }
    const rows = record.tables.flat();
    const table = rows.filter((row) => row.length >= 5);
    expect(table.length).toBeGreaterThan(1);
    const best = [...yes.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(best).toBeDefined();
    expect(rows.some((row) => row.includes(String(best?.[1])))).toBe(true);
  });

  it('without quorum: nothing to submit, exit 1, and neither file is written', async () => {
    const r = await commend(
      '--ballots',
      'examples/ballots-no-quorum.yaml',
      '--out',
      out('tt2.docx'),
      '--vote-record',
      out('bb2.html'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('không lập tờ trình');
    expect(existsSync(out('tt2.docx')) || existsSync(out('bb2.html'))).toBe(false);
    const record = await commend(
      '--ballots',
      'examples/ballots-no-quorum.yaml',
      '--vote-record',
      out('bb3.html'),
    );
    expect(record.code).toBe(0);
    expect(htmlText(readFileSync(out('bb3.html'), 'utf8'))).toContain('Không đủ số thành viên tham gia');
  });

  it('documents need the ballots', async () => {
    const r = await commend('--out', out('tt4.docx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--ballots');
  });
});

describe('who signs by default', () => {
  const { config } = loadDistrict(repo(DISTRICT), { now: new Date('2025-01-15T00:00:00+07:00') });

  it('the most senior admin by title; the council chair and the first admin as secretary', () => {
    expect(defaultSigner(config)).toEqual({
      onBehalfOf: 'KT. Trưởng phòng',
      title: 'Phó Trưởng phòng',
      name: 'Lê Thị Mai',
    });
    const head = {
      ...config,
      admins: [
        ...config.admins,
        { id: 'x', name: 'Nguyễn Văn Thành', email: 'x@example.org', title: 'Trưởng phòng Nội vụ' },
      ],
    };
    expect(defaultSigner(head)).toEqual({ title: 'Trưởng phòng', name: 'Nguyễn Văn Thành' });
    expect(recordSigners(config, {})).toEqual({
      chair: { title: 'Chủ tịch Hội đồng', name: 'Đặng Văn Long' },
      secretary: { title: 'Thư ký Hội đồng', name: 'Trần Quốc Huy' },
    });
    expect(signerOption('KT. Trưởng phòng / Phó Trưởng phòng: Lê Thị Mai', config)).toEqual({
      onBehalfOf: 'KT. Trưởng phòng',
      title: 'Phó Trưởng phòng',
      name: 'Lê Thị Mai',
    });
    expect(() => signerOption('Lê Thị Mai', config)).toThrow(/--signer/);
  });
});
