/**
 * `thidua record` in a child process, as an operator runs it, against dynalite instead of AWS:
 * the subprocess gets only `AWS_ENDPOINT_URL_DYNAMODB`, a region and dummy credentials, and
 * writes through the real storage ports. The demo campaign is stored first (as a launch does);
 * what the command stored is read back through the ports.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import { storeCampaign } from '#functions/launch/campaign';
import { table as tablePort } from '#ports/dynamo/table';
import { replacePort, resetPorts } from '#ports/registry';
import { type CliResult, repo, tempDir, thiduaAgainst } from '../helpers/cli.ts';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';
import { dynamoPorts } from '../helpers/ports.ts';

const dir = tempDir('record');
const EXAMPLE = 'examples/adjustments-2022Q3.yaml';
const demo = loadDistrict(repo('districts', 'demo.yaml'));
let table: TestTable;
let store: ReturnType<typeof dynamoPorts>;

/** Stores a campaign in a table, as `thidua launch` does before its execution starts. */
async function launched(t: TestTable, district: typeof demo): Promise<ReturnType<typeof dynamoPorts>> {
  const ports = dynamoPorts(t);
  replacePort(tablePort, ports.table);
  try {
    await storeCampaign(district);
  } finally {
    resetPorts();
  }
  return ports;
}

beforeAll(async () => {
  table = await startDynalite('thidua-demo-record');
  store = await launched(table, demo);
});
afterAll(async () => {
  await table?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `thidua record …` from the repository root, with AWS pointed at dynalite only. */
function record(...args: string[]): Promise<CliResult> {
  return thiduaAgainst({ AWS_ENDPOINT_URL_DYNAMODB: table.endpoint }, dir, 'record', ...args);
}

const demoArgs = (file: string, ...more: string[]) => [
  '--district',
  'districts/demo.yaml',
  '--file',
  file,
  '--table',
  table.tableName,
  ...more,
];

/** What examples/adjustments-2022Q3.yaml says, in hundredths of a point. */
const EXPECTED = {
  'van-phong-hdnd-ubnd': {
    survey: 2750,
    bonus: 0,
    penalty: 0,
    note: 'Báo cáo kết quả khảo sát số 35/BC-UBND ngày 14/10/2022',
  },
  'phong-noi-vu': {
    survey: 2625,
    bonus: 150,
    penalty: 0,
    note: 'Thưởng do được UBND tỉnh khen mô hình số hóa hồ sơ một cửa',
  },
  'phong-tu-phap': { survey: 2475, bonus: 0, penalty: 0 },
  'thi-tran-song-lam': {
    survey: 2500,
    bonus: 0,
    penalty: 600,
    note: 'Trừ do để 12 hồ sơ thủ tục hành chính trễ hẹn không xin lỗi',
  },
  'xa-thanh-son': { survey: 2250, bonus: 0, penalty: 0 },
  'xa-quynh-lam': { survey: null, bonus: 0, penalty: 0, note: 'Xã chưa tổ chức khảo sát trong kỳ' },
} as const;

const count = (text: string, part: string) => text.split(part).length - 1;

describe('thidua record', { timeout: 60_000 }, () => {
  it('prints what it would record on a dry run, and stores nothing', async ({ expect }) => {
    const r = await record(...demoArgs(EXAMPLE, '--dry-run'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Kỳ 2022Q3 — quý III năm 2022 (02/08/2022–30/09/2022): 6 đơn vị (units)');
    expect(r.stdout).toMatch(/Phòng Nội vụ \(phong-noi-vu\) +26,25 +1,5 +0\n/);
    expect(r.stdout).toMatch(/Xã Quỳnh Lâm \(xa-quynh-lam\) +không có khảo sát \(quy đổi\) +0 +0\n/);
    expect(r.stdout).toContain('6 (vượt trần 5: tính 5)');
    // Said in words too, as the admin's adjustments page says it (the same check).
    expect(r.stdout).toContain(
      'Vượt trần (above the cap): Thị trấn Sông Lam: điểm trừ 6 vượt mức tối đa 5 — ghi nhận 6 như đã nhập, khi tính điểm chỉ tính 5',
    );
    expect(r.stdout).toContain('Chạy thử (dry run)');
    expect(await store.results.listPeriodAdjustments('2022Q3')).toEqual([]);
  });

  it("stores exactly the file's values as the operator; a second run changes nothing", async ({ expect }) => {
    const first = await record(...demoArgs(EXAMPLE));
    expect(first.code, first.stderr).toBe(0);
    expect(count(first.stdout, 'đã thay đổi (changed), phiên bản 1')).toBe(6);
    expect(first.stdout).toContain('Xong (done): 6 thay đổi, 0 không đổi');
    expect(first.stdout).not.toContain('Cảnh báo');
    for (const [unitId, values] of Object.entries(EXPECTED)) {
      const stored = await store.results.getAdjustments(unitId, '2022Q3');
      expect(stored, unitId).toMatchObject({ ...values, version: 1 });
      if (!('note' in values)) expect(stored?.note).toBeUndefined();
      expect(stored?.updatedBy).toMatchObject({ kind: 'admin', id: expect.stringMatching(/^cli:.+/) });
    }
    expect(await store.results.listPeriodAdjustments('2022Q3')).toHaveLength(6);

    const again = await record(...demoArgs(EXAMPLE));
    expect(again.code, again.stderr).toBe(0);
    expect(count(again.stdout, 'không đổi (unchanged), phiên bản 1')).toBe(6);
    expect(again.stdout).toContain('Xong (done): 0 thay đổi, 6 không đổi');
    expect(await store.results.getAdjustments('phong-noi-vu', '2022Q3')).toMatchObject({ version: 1 });
    expect(await store.audit.list('adjustments/phong-noi-vu/2022Q3')).toHaveLength(1);
  });

  it('refuses a file with an unknown unit and a 3-decimal survey, naming both, and stores nothing', async ({
    expect,
  }) => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'periods:',
        '  "2022Q3":',
        '    phong-noi-vu:',
        '      survey: 20.125',
        '    phong-khong-co:',
        '      survey: 20',
        '    xa-thanh-son:',
        '      survey: 29',
        '',
      ].join('\n'),
    );
    const r = await record(...demoArgs(bad));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 lỗi (2 problems)');
    expect(r.stderr).toContain(
      `${bad}:4: periods.2022Q3.phong-noi-vu.survey: "20.125" có quá hai chữ số thập phân`,
    );
    expect(r.stderr).toContain(
      `${bad}:5: periods.2022Q3.phong-khong-co: không có đơn vị "phong-khong-co" trong cấu hình của huyện Sông Lam`,
    );
    expect(r.stdout).not.toContain('Xong');
    // Nothing stored, not even the valid line; the values recorded before are untouched.
    expect(await store.results.getAdjustments('phong-khong-co', '2022Q3')).toBeUndefined();
    expect(await store.results.getAdjustments('phong-noi-vu', '2022Q3')).toMatchObject({
      survey: 2625,
      version: 1,
    });
    expect(await store.results.getAdjustments('xa-thanh-son', '2022Q3')).toMatchObject({
      survey: 2250,
      version: 1,
    });
  });

  it('warns that published results need scoring rerun, naming the execution that scores this change', async ({
    expect,
  }) => {
    await store.results.putVersion({
      periodId: '2022Q4',
      version: 1,
      lines: [],
      counts: {},
      criteriaSets: {},
      changed: 'all',
      reason: { trigger: 'close' },
      body: { kind: 'period', periodId: '2022Q4', version: 1, criteriaSets: {} },
    });
    const file = join(dir, 'q4.yaml');
    writeFileSync(file, 'periods:\n  "2022Q4":\n    xa-hung-loc:\n      survey: "21,5"\n      bonus: 1\n');
    const r = await record(...demoArgs(file));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'kỳ 2022Q4 đã có kết quả công bố (phiên bản 1): kết quả đã công bố; chạy lại tính điểm để có phiên bản mới.',
    );
    expect(r.stdout).toContain('--name scoring-2022Q4-admin-1');
    expect(await store.results.getAdjustments('xa-hung-loc', '2022Q4')).toMatchObject({
      survey: 2150,
      bonus: 100,
    });
  });

  it("refuses a table that holds another district's campaign, before writing", async ({ expect }) => {
    const other = loadDistrict(repo('districts', 'demo-xa.yaml'));
    const otherTable = await startDynalite('thidua-demo-xa');
    try {
      const otherStore = await launched(otherTable, other);
      const env = table;
      table = otherTable;
      let r: CliResult;
      try {
        r = await record(...demoArgs(EXAMPLE));
      } finally {
        table = env;
      }
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `bảng thuộc "${other.config.district.name}" (${other.config.district.slug})`,
      );
      expect(await otherStore.results.listPeriodAdjustments('2022Q3')).toEqual([]);
    } finally {
      await otherTable.close();
    }
  });
});
