/**
 * Recording the admin's scoring inputs on `npm start`'s server: `POST /local/record` (the home
 * page's form, and `npm start -- record --file …`), as test/local/start.test.ts runs the product —
 * in this process, port 0, a temp data folder.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#infra/project';
import type { RecordOutcome, RecordProblems } from '#local/product/control';
import { type Product, runClientCommand, startProduct } from '#local/start';
import { results } from '#ports/dynamo/results';
import { GLOSS, readable } from '../helpers/glosses.ts';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'adjustments-2022Q3.yaml');
let dataDir: string;
let product: Product;

const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${product.url}/local/record`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
const json = { accept: 'application/json' };
const stored = (unitId: string, periodId = '2022Q3') => results().getAdjustments(unitId, periodId);

describe('POST /local/record', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'thidua-record-'));
    product = await startProduct({ district: 'demo', port: 0, dataDir });
  }, 90_000);
  afterAll(async () => {
    await product?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the home page has the form; a post from another site is refused', async () => {
    const home = await (await fetch(`${product.url}/`)).text();
    expect(home).toContain('<form method="post" action="/local/record">');
    expect(home).toContain('name="adjustments"');
    const forged = await post(
      { adjustments: readFileSync(EXAMPLE, 'utf8') },
      { origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
    expect(await stored('phong-noi-vu')).toBeUndefined();
  });

  it('stores the example file and shows every line; the same file again changes nothing', async () => {
    const res = await post({ adjustments: readFileSync(EXAMPLE, 'utf8'), file: 'adjustments-2022Q3.yaml' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Đã ghi nhận số liệu chấm điểm');
    expect(page).toContain('6 dòng từ adjustments-2022Q3.yaml: 6 thay đổi, 0 không đổi');
    expect(page).toContain('không có khảo sát (quy đổi)');
    expect(page).toContain('<td>26,25</td><td>1,5</td><td>0</td>');
    expect(await stored('phong-noi-vu')).toMatchObject({
      survey: 2625,
      bonus: 150,
      penalty: 0,
      version: 1,
      updatedBy: { kind: 'admin', id: 'local' },
    });
    expect(await stored('thi-tran-song-lam')).toMatchObject({ survey: 2500, penalty: 600 });
    expect(await stored('xa-quynh-lam')).toMatchObject({ survey: null, bonus: 0, penalty: 0 });
    expect(await results().listPeriodAdjustments('2022Q3')).toHaveLength(6);

    const again = await post({ adjustments: readFileSync(EXAMPLE, 'utf8') }, json);
    expect(again.status).toBe(200);
    const outcome = (await again.json()) as RecordOutcome;
    expect(outcome.recorded).toHaveLength(6);
    expect(outcome.recorded.every((r) => !r.changed && r.version === 1)).toBe(true);
    expect(outcome.published).toEqual([]);
  });

  it('a bad file is a 422 page naming the field, with the text escaped; nothing changes', async () => {
    const text = [
      'periods:',
      '  "2022Q3":',
      '    phong-noi-vu:',
      '      survey: 31',
      '      note: <script>alert(1)</script>',
      '    phong-tu-phap:',
      '      survey: 10',
      '',
    ].join('\n');
    const res = await post({ adjustments: text });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('Số liệu chưa hợp lệ — chưa ghi gì');
    expect(page).toContain(
      'adjustments.yaml:4: periods.2022Q3.phong-noi-vu.survey: điểm khảo sát 31 vượt điểm tối đa 30',
    );
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    // Vietnamese only: the command line's English gloss ("(survey above the maximum)") stays there.
    expect(readable(page)).not.toMatch(GLOSS);
    expect(await stored('phong-noi-vu')).toMatchObject({ survey: 2625, version: 1 });
    expect(await stored('phong-tu-phap')).toMatchObject({ survey: 2475, version: 1 });

    const asJson = await post({ adjustments: text }, json);
    expect(asJson.status).toBe(422);
    expect(((await asJson.json()) as RecordProblems).problems).toEqual([
      expect.objectContaining({ path: 'periods.2022Q3.phong-noi-vu.survey', line: 4 }),
    ]);
  });

  it('a note starting with * or aliases that expand without end are a 422 naming the YAML problem, never a 500', async () => {
    const before = [await stored('phong-noi-vu'), await stored('phong-tu-phap')];
    // Text that starts with * is a YAML alias: unquoted, it names an anchor the file does not have.
    const star = [
      'periods:',
      '  "2022Q3":',
      '    phong-noi-vu:',
      '      survey: 20',
      '      note: *xac-minh',
      '',
    ];
    const res = await post({ adjustments: star.join('\n') });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('Số liệu chưa hợp lệ — chưa ghi gì');
    expect(page).toContain(
      'adjustments.yaml:5: lỗi YAML ở dòng 5, cột 13: tham chiếu *xac-minh không có neo &amp;xac-minh nào đứng trước',
    );
    expect(page).toContain('hãy đặt nó trong dấu ngoặc kép');

    // A few lines whose aliases would grow to millions of values (an "alias bomb").
    const levels = 'abcdefgh'.split('');
    const bomb = [
      'periods: {}',
      `x0: &a [${Array(9).fill('"lol"').join(',')}]`,
      ...levels.slice(1).map((l, i) => `x${i + 1}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`),
      `x9: [${Array(9).fill('*h').join(',')}]`,
      '',
    ];
    const boom = await post({ adjustments: bomb.join('\n') }, json);
    expect(boom.status).toBe(422);
    expect(((await boom.json()) as RecordProblems).problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining('lồng nhau làm dữ liệu phình ra quá lớn') }),
    ]);
    expect([await stored('phong-noi-vu'), await stored('phong-tu-phap')]).toEqual(before);
  });

  it('`npm start -- record --file` sends a file and prints each line, or the problems with the path given', async () => {
    const file = join(dataDir, 'q4.yaml');
    writeFileSync(file, 'periods:\n  "2022Q4":\n    xa-hung-loc:\n      survey: "21,5"\n');
    const out: string[] = [];
    const err: string[] = [];
    const port = product.port;
    expect(
      await runClientCommand({ command: 'record', file }, port, out.push.bind(out), err.push.bind(err)),
    ).toBe(0);
    expect(out.join('\n')).toContain(
      '2022Q4  xa-hung-loc: khảo sát 21,5, thưởng 0, trừ 0 — đã thay đổi, phiên bản 1',
    );
    expect(await stored('xa-hung-loc', '2022Q4')).toMatchObject({ survey: 2150 });

    writeFileSync(file, 'periods:\n  "2022Q4":\n    xa-hung-loc:\n      bonus: -1\n');
    expect(
      await runClientCommand({ command: 'record', file }, port, out.push.bind(out), err.push.bind(err)),
    ).toBe(1);
    expect(err.join('\n')).toContain(`${file}:4: periods.2022Q4.xa-hung-loc.bonus:`);
    expect(await stored('xa-hung-loc', '2022Q4')).toMatchObject({ survey: 2150, bonus: 0, version: 1 });
  });
});
