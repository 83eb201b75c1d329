/**
 * Where a unit stands on the admin's dashboard and how the unit table filters, searches, sorts
 * and pages: as the admin would read it.
 */
import { describe, expect, it } from 'vitest';
import type { Unit } from '#domain/model';
import {
  countRows,
  parseUnitQuery,
  queryParams,
  selectUnitRows,
  type UnitProgressFacts,
  type UnitRow,
  unitRow,
} from '#web/admin-progress';
import { q4Rows } from './admin-fixtures.ts';

const unit = (id: string, name: string, group: Unit['group'] = 'commune'): UnitProgressFacts['unit'] => ({
  id,
  name,
  group,
  focalPoint: { name: `Đầu mối ${name}`, email: `${id}@example.org` },
});

const query = (q: string) => parseUnitQuery(new URLSearchParams(q)).query;

describe('a unit-period as the dashboard shows it', () => {
  it('after review close: no report or a draft reads Không nộp báo cáo, a report not approved Chưa thẩm định', () => {
    const base = { unit: unit('xa-a', 'Xã An Hòa'), invitedAt: '2024-10-01T01:00:00Z' };
    expect(unitRow(base, 'closed').state).toBe('not-reported');
    expect(unitRow({ ...base, reportStatus: 'draft' }, 'closed').state).toBe('not-reported');
    for (const s of ['submitted', 'in-review', 'returned', 'explained'] as const) {
      expect(unitRow({ ...base, reportStatus: s }, 'closed').state).toBe('not-appraised');
    }
    expect(unitRow({ ...base, reportStatus: 'approved' }, 'closed').state).toBe('approved');
    // While the period is open the same facts read as what they are.
    expect(unitRow(base, 'open').state).toBe('invited');
    expect(unitRow({ unit: base.unit }, 'scheduled').state).toBe('not-invited');
  });

  it('says who must act next and since when', () => {
    const u = unit('xa-a', 'Xã An Hòa');
    const reviewer = { name: 'Lê Thị Mai', assignedAt: '2024-10-12T03:00:00Z' };
    expect(unitRow({ unit: u, invitedAt: '2024-10-01T01:00:00Z' }, 'open').waitingOn).toEqual({
      party: 'unit',
      who: 'Đầu mối Xã An Hòa',
      since: '2024-10-01T01:00:00Z',
    });
    expect(
      unitRow({ unit: u, reportStatus: 'in-review', submittedAt: '2024-10-11T01:00:00Z', reviewer }, 'open')
        .waitingOn,
    ).toEqual({ party: 'reviewer', who: 'Lê Thị Mai', since: '2024-10-12T03:00:00Z' });
    expect(
      unitRow(
        { unit: u, reportStatus: 'returned', statusChangedAt: '2024-10-14T03:00:00Z', reviewer },
        'open',
      ).waitingOn,
    ).toEqual({ party: 'unit', who: 'Đầu mối Xã An Hòa', since: '2024-10-14T03:00:00Z' });
    // Submitted with nobody assigned yet: the assignment step is what everyone waits for.
    expect(
      unitRow({ unit: u, reportStatus: 'submitted', submittedAt: '2024-10-11T01:00:00Z' }, 'open').waitingOn,
    ).toMatchObject({ party: 'system', since: '2024-10-11T01:00:00Z' });
    expect(unitRow({ unit: u, reportStatus: 'approved', reviewer }, 'open').waitingOn).toBeUndefined();
  });

  it('tells a unit still overdue from one that submitted late', () => {
    const u = unit('xa-a', 'Xã An Hòa');
    const lateAt = '2024-10-11T10:00:00Z';
    expect(unitRow({ unit: u, lateAt }, 'open').lateness).toBe('overdue');
    expect(
      unitRow({ unit: u, lateAt, reportStatus: 'submitted', submittedAt: '2024-10-12T01:00:00Z' }, 'open')
        .lateness,
    ).toBe('submitted-late');
    expect(
      unitRow({ unit: u, reportStatus: 'submitted', submittedAt: '2024-10-10T01:00:00Z' }, 'open').lateness,
    ).toBeUndefined();
  });

  it('counts every unit once, by state, with the late ones apart', () => {
    const rows = q4Rows();
    const counts = countRows(rows);
    expect(Object.values(counts.byState).reduce((a, b) => a + b, 0)).toBe(27);
    expect(counts.total).toBe(27);
    expect(counts.byState.draft).toBe(1);
    expect(counts.late).toBe(rows.filter((r) => r.lateness).length);
  });
});

describe('the unit table: filters, search, sort and paging', () => {
  const rows = q4Rows();

  it('finds a unit typed without accents, and by its reviewer or focal point', () => {
    const found = selectUnitRows(rows, query('q=phong tu phap')).rows.map((r) => r.unitName);
    expect(found).toEqual(['Phòng Tư pháp']);
    expect(selectUnitRows(rows, query('q=ĐẠI ĐỒNG')).rows.map((r) => r.unitId)).toEqual(['xa-dai-dong']);
    const byReviewer = selectUnitRows(rows, query('q=le thi mai')).rows;
    expect(byReviewer.length).toBeGreaterThan(0);
    expect(byReviewer.every((r) => r.reviewerName === 'Lê Thị Mai')).toBe(true);
  });

  it('filters by state, by lateness and by group', () => {
    const approved = selectUnitRows(rows, query('state=approved&size=100'));
    expect(approved.matched).toBe(countRows(rows).byState.approved);
    expect(approved.rows.every((r) => r.state === 'approved')).toBe(true);
    expect(selectUnitRows(rows, query('state=late')).rows.every((r) => r.lateness)).toBe(true);
    const offices = selectUnitRows(rows, query('group=office&size=100')).rows;
    expect(offices.length).toBe(12);
    expect(offices.every((r) => r.group === 'office')).toBe(true);
  });

  it('sorts by waiting time, longest first, units nobody waits on last', () => {
    const sorted = selectUnitRows(rows, query('sort=since&size=100')).rows;
    const since = sorted.map((r) => r.waitingOn?.since);
    const waiting = since.filter((s): s is string => s !== undefined);
    expect(waiting).toEqual([...waiting].sort());
    expect(since.slice(waiting.length).every((s) => s === undefined)).toBe(true);
    const names = selectUnitRows(rows, query('size=100&dir=desc')).rows.map((r) => r.unitName);
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a, 'vi')));
  });

  it('pages: 25 then 2, and a page past the end shows the last one', () => {
    const first = selectUnitRows(rows, query('size=25'));
    expect([first.rows.length, first.from, first.to, first.pages]).toEqual([25, 1, 25, 2]);
    const last = selectUnitRows(rows, query('size=25&page=7'));
    expect([last.page, last.rows.length, last.from, last.to]).toEqual([2, 2, 26, 27]);
    const all = new Set([...first.rows, ...last.rows].map((r) => r.unitId));
    expect(all.size).toBe(27);
  });

  it('holds at 1,000 units: one page of 100, counted over all', () => {
    const many: UnitRow[] = Array.from({ length: 1000 }, (_, i) =>
      unitRow(
        {
          unit: unit(`xa-${i}`, `Xã số ${i}`),
          invitedAt: '2024-10-01T01:00:00Z',
          ...(i % 3 ? {} : { reportStatus: 'draft' }),
        },
        'open',
      ),
    );
    const page = selectUnitRows(many, query('state=draft&size=100&page=2&sort=name'));
    expect([page.matched, page.rows.length, page.from, page.to]).toEqual([334, 100, 101, 200]);
    // "numeric" collation: Xã số 2 before Xã số 10.
    const names = selectUnitRows(many, query('size=25')).rows.map((r) => r.unitName);
    expect(names.slice(0, 3)).toEqual(['Xã số 0', 'Xã số 1', 'Xã số 2']);
  });

  it('drops what the form could not have sent, names it, and keeps links canonical', () => {
    const { query: q, ignored } = parseUnitQuery(
      new URLSearchParams(`state=drop-table&sort=x&page=0&size=7&dir=up&group=moon&q=${'a'.repeat(101)}`),
    );
    expect(ignored.sort()).toEqual(['dir', 'group', 'page', 'q', 'size', 'sort', 'state']);
    expect(queryParams(q).toString()).toBe('');
    expect(queryParams(query('state=late&page=3'), { page: 1 }).toString()).toBe('state=late');
  });
});
