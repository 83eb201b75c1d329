/**
 * The admin's recorded scoring inputs (survey result, bonus, penalty per unit-period): stored on
 * dynalite one item per unit-period, each change audited, and `recordAdjustments`, which checks a
 * whole file against the district before storing anything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#domain/config';
import { recordAdjustments } from '#functions/scoring/record-adjustments';
import { storeAdjustments } from '#functions/scoring/store-adjustments';
import type { Actor } from '#ports/actor';
import { audit } from '#ports/dynamo/audit';
import { results } from '#ports/dynamo/results';
import { type Bed, startBed } from './harness.ts';

let bed: Bed;
const dir = mkdtempSync(join(tmpdir(), 'thidua-adjustments-'));
const admin: Actor = { kind: 'admin', id: 'tran-quoc-huy', email: 'huytq.noivu@song-lam.example.org' };

beforeAll(async () => {
  bed = await startBed();
}, 30_000);
afterAll(async () => {
  await bed?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('stored adjustments', () => {
  it('keep one item per unit-period; a change is a new version with the values before and after audited', async () => {
    const entry = (values: { survey: number | null; bonus: number; penalty: number; note?: string }) => ({
      unitId: 'xa-hung-loc',
      periodId: '2022Q4',
      ...values,
    });
    const first = await storeAdjustments([entry({ survey: 2550, bonus: 50, penalty: 0 })], admin);
    expect(first.recorded).toEqual([
      { unitId: 'xa-hung-loc', periodId: '2022Q4', changed: true, version: 1 },
    ]);
    expect(await results().getAdjustments('xa-hung-loc', '2022Q4')).toMatchObject({
      survey: 2550,
      bonus: 50,
      penalty: 0,
      version: 1,
      updatedBy: admin,
    });
    const same = await storeAdjustments([entry({ survey: 2550, bonus: 50, penalty: 0 })], admin);
    expect(same.recorded[0]).toMatchObject({ changed: false, version: 1 });
    await storeAdjustments(
      [entry({ survey: null, bonus: 50, penalty: 100, note: 'Không tổ chức khảo sát' })],
      admin,
    );
    expect(await results().getAdjustments('xa-hung-loc', '2022Q4')).toMatchObject({
      survey: null,
      penalty: 100,
      note: 'Không tổ chức khảo sát',
      version: 2,
    });
    expect(await results().getAdjustments('xa-hung-loc', '2022Q3')).toBeUndefined();
    const entries = await audit().list('adjustments/xa-hung-loc/2022Q4');
    expect(entries.map((a) => a.action)).toEqual(['adjustments.recorded', 'adjustments.recorded']);
    expect(entries[1]!.detail).toMatchObject({
      version: 2,
      before: { survey: 2550, bonus: 50, penalty: 0 },
      after: { survey: null, bonus: 50, penalty: 100 },
    });
    expect(entries[1]!.actor).toEqual(admin);
    await results().putAdjustments('xa-nam-phuc', '2022Q4', { survey: 2000, bonus: 0, penalty: 0 }, admin);
    expect((await results().listPeriodAdjustments('2022Q4')).map((a) => a.unitId)).toEqual([
      'xa-hung-loc',
      'xa-nam-phuc',
    ]);
    await expect(
      results().putAdjustments('xa-nam-phuc', '2022Q4', { survey: 12.5, bonus: 0, penalty: 0 }, admin),
    ).rejects.toThrow(/survey/);
  });
});

describe('recordAdjustments', () => {
  it('stores every entry of a valid YAML file (decimals as written, comma or point)', async () => {
    const path = file(
      'ok.yaml',
      `periods:
  "2023Q1":
    phong-noi-vu: { survey: 25.5, bonus: 0.25, penalty: 0, note: Phiếu khảo sát 12/BC-UBND }
    xa-thanh-son: { survey: "26,75", penalty: 1 }
    xa-yen-hoa: { bonus: 2 }
`,
    );
    const out = await recordAdjustments({ config: bed.config, criteriaSets: bed.criteriaSets }, path, admin);
    expect(out.recorded).toEqual([
      { unitId: 'phong-noi-vu', periodId: '2023Q1', changed: true, version: 1 },
      { unitId: 'xa-thanh-son', periodId: '2023Q1', changed: true, version: 1 },
      { unitId: 'xa-yen-hoa', periodId: '2023Q1', changed: true, version: 1 },
    ]);
    expect(out.periodsWithResults).toEqual([]);
    expect(await results().getAdjustments('phong-noi-vu', '2023Q1')).toMatchObject({
      survey: 2550,
      bonus: 25,
      penalty: 0,
      note: 'Phiếu khảo sát 12/BC-UBND',
    });
    expect(await results().getAdjustments('xa-thanh-son', '2023Q1')).toMatchObject({
      survey: 2675,
      bonus: 0,
      penalty: 100,
    });
    expect(await results().getAdjustments('xa-yen-hoa', '2023Q1')).toMatchObject({
      survey: null,
      bonus: 200,
    });
    // The same file again changes nothing.
    const again = await recordAdjustments(
      { config: bed.config, criteriaSets: bed.criteriaSets },
      path,
      admin,
    );
    expect(again.recorded.every((r) => !r.changed && r.version === 1)).toBe(true);
  });

  it('reads JSON files too', async () => {
    const path = file(
      'ok.json',
      JSON.stringify({ periods: { '2023Q2': { 'phong-tu-phap': { survey: 27, bonus: 1 } } } }),
    );
    await recordAdjustments({ config: bed.config, criteriaSets: bed.criteriaSets }, path, admin);
    expect(await results().getAdjustments('phong-tu-phap', '2023Q2')).toMatchObject({
      survey: 2700,
      bonus: 100,
    });
  });

  it('names every problem (unknown unit or period, too many decimals, a survey above the maximum) and stores nothing', async () => {
    const path = file(
      'bad.yaml',
      `periods:
  "2023Q3":
    phong-noi-vu: { survey: 25 }
    phong-khong-co: { survey: 20 }
    xa-thanh-son: { survey: 25.555, bonus: -1 }
    xa-yen-hoa: { survey: 31, colour: red }
  "2031Q1":
    phong-noi-vu: { bonus: 1 }
`,
    );
    let error: unknown;
    try {
      await recordAdjustments({ config: bed.config, criteriaSets: bed.criteriaSets }, path, admin);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([
      expect.stringMatching(/^periods\.2023Q3\.phong-khong-co: không có đơn vị "phong-khong-co"/),
      expect.stringMatching(/^periods\.2023Q3\.xa-thanh-son\.survey: .*quá hai chữ số thập phân/),
      expect.stringMatching(/^periods\.2023Q3\.xa-thanh-son\.bonus: .*không được âm/),
      expect.stringMatching(/^periods\.2023Q3\.xa-yen-hoa\.colour: trường không được hỗ trợ/),
      expect.stringMatching(/^periods\.2023Q3\.xa-yen-hoa\.survey: điểm khảo sát 31 vượt điểm tối đa 30/),
      expect.stringMatching(/^periods\.2031Q1: không có kỳ báo cáo "2031Q1"/),
    ]);
    // Not even the valid line was stored.
    expect(await results().getAdjustments('phong-noi-vu', '2023Q3')).toBeUndefined();
  });

  it('says which periods already have published results, and the rerun that scores each change once', async () => {
    await results().putVersion({
      periodId: '2023Q4',
      version: 1,
      lines: [],
      counts: {},
      criteriaSets: {},
      changed: 'all',
      reason: { trigger: 'close' },
      body: { kind: 'period', periodId: '2023Q4', version: 1, criteriaSets: {} },
    });
    const path = file('late.yaml', 'periods:\n  "2023Q4":\n    phong-noi-vu: { survey: 24 }\n');
    const district = { config: bed.config, criteriaSets: bed.criteriaSets };
    const out = await recordAdjustments(district, path, admin);
    expect(out.periodsWithResults).toEqual(['2023Q4']);
    expect(out.rerunAs).toEqual({ '2023Q4': 'scoring-2023Q4-admin-1' });
    // The same values again: the same rerun; a change: the next one.
    expect((await recordAdjustments(district, path, admin)).rerunAs).toEqual({
      '2023Q4': 'scoring-2023Q4-admin-1',
    });
    const changed = file('late2.yaml', 'periods:\n  "2023Q4":\n    phong-noi-vu: { survey: 25 }\n');
    expect((await recordAdjustments(district, changed, admin)).rerunAs).toEqual({
      '2023Q4': 'scoring-2023Q4-admin-2',
    });
  });
});
