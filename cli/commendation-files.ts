/**
 * The files of `thidua commend` (docs/cli.md): the results file written by `thidua score --out`,
 * the units' nominations and the council's ballots. Everything a file must hold is checked here,
 * every problem naming the file, the line and the field; what a valid content means (refusals, the
 * tally) is the domain's (domain/commendation.ts, domain/council.ts).
 */
import { z } from 'zod';
import { parseInstant, periodsOf } from '#domain/calendar';
import type { NominationInput, RankedResult } from '#domain/commendation-model';
import type { ConfigProblem } from '#domain/config';
import type { LoadedDistrict } from '#domain/config-files';
import { type DataFile, describeValue, type FieldPath, isRecord } from '#domain/data-file';
import { fractionFromJson } from '#domain/json';
import {
  BAND_LABELS,
  type Band,
  DISCIPLINE_STATUSES,
  type DisciplineStatus,
  FLAG_LABELS,
  type Fraction,
  type ResultFlag,
  type Unit,
} from '#domain/model';
import { formatPercent, ZERO } from '#domain/points';
import { type BandThreshold, bandOf, rankGroup, type UnitStatus } from '#domain/ranking';
import { readOrCollect } from './common.ts';

const isoInstant = z
  .string()
  .refine(
    (s) => parseInstant(s) !== null,
    'expected an ISO 8601 instant with offset, e.g. 2024-12-20T09:00:00+07:00',
  );

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected an ASCII slug (a-z, 0-9, -)');

const DISCIPLINE = z.enum(DISCIPLINE_STATUSES);

/**
 * `nominations.json`: `{ "nominations": [...], "initiativesApproved"?: ["unitId/initiativeId", …],
 * "collectives"?: { unitId: status } }` — `collectives` names the units themselves under discipline,
 * investigation, inspection or an open complaint (never proposed as collectives, nor upward).
 */
export const NominationsFileSchema = z.object({
  nominations: z.array(
    z.object({
      id: slug,
      name: z.string().min(1),
      position: z.string().optional(),
      unitId: slug,
      // Any string: an unknown form is refused with a reason, not rejected as a file error.
      form: z.string().min(1),
      achievements: z.string(),
      initiativeId: z.string().min(1).optional(),
      status: DISCIPLINE,
      submittedAt: isoInstant,
    }),
  ),
  initiativesApproved: z.array(z.string().min(1)).optional(),
  collectives: z.record(slug, DISCIPLINE).optional(),
});

/**
 * `ballots.json`: `{ "closesAt"?: instant, "ballots": [{ memberId, castAt, votes: {candidateId: vote} }] }`.
 * An unreadable time or a vote other than yes/no/abstain is an error of the file; who may vote and
 * on what is checked against the council and the proposal (`checkBallots`).
 */
export const BallotsFileSchema = z.object({
  closesAt: isoInstant.optional(),
  ballots: z.array(
    z.object({
      memberId: z.string().min(1),
      castAt: isoInstant,
      votes: z.record(z.string(), z.enum(['yes', 'no', 'abstain'])),
    }),
  ),
});

export type NominationsFile = z.infer<typeof NominationsFileSchema>;
export type BallotsFile = z.infer<typeof BallotsFileSchema>;

type At = (path: FieldPath, message: string) => void;

// ---------------------------------------------------------------- results

export interface ResultsInput {
  kind: 'period' | 'year' | 'phase';
  /** Period id, year, or "2022-2025". */
  scope: string;
  ranked: RankedResult[];
  defaultOnDate: string;
}

const FLAGS = Object.keys(FLAG_LABELS).filter((f): f is ResultFlag => f in FLAG_LABELS);
const BANDS = Object.keys(BAND_LABELS).filter((b): b is Band => b in BAND_LABELS);
const isBand = (value: unknown): value is Band => BANDS.some((b) => b === value);
const isFlag = (value: unknown): value is ResultFlag => FLAGS.some((f) => f === value);

/**
 * The results file: only `kind`, `periodId`/`scopeId`/`periodIds`, `district.slug` and per unit
 * `unitId`, `group`, `percentExact`, `band`, `rank`, `flags` (and, for a year or the phase,
 * `missedPeriods`) are read, checked against the config; and the bands and ranks must follow from
 * the exact percentages, so a hand-edited rank cannot push another unit out.
 */
export function readResults(
  file: string,
  loaded: LoadedDistrict,
  problems: ConfigProblem[],
): ResultsInput | undefined {
  const read = readOrCollect(file, problems);
  if (!read) return undefined;
  const before = problems.length;
  const at: At = (path, message) => problems.push(read.problem(path, message));
  const head = resultsHeader(read, loaded, at);
  if (!head) return undefined;
  const lines = resultLines(read.data, head, loaded, at);
  if (problems.length > before) return undefined;
  checkRanking(lines, at, loaded.config.bands);
  if (problems.length > before) return undefined;
  const last = periodsOf(loaded.config).find((p) => p.id === head.periodIds[head.periodIds.length - 1]);
  return {
    kind: head.kind,
    scope: head.scope,
    ranked: lines.map((l) => l.result),
    defaultOnDate: (last?.reviewClosesAt ?? '').slice(0, 10),
  };
}

interface ResultsHeader {
  kind: ResultsInput['kind'];
  scope: string;
  periodIds: string[];
}

function resultsHeader(read: DataFile, loaded: LoadedDistrict, at: At): ResultsHeader | undefined {
  const data = read.data;
  if (!isRecord(data)) {
    at(
      [],
      'tệp kết quả phải là một đối tượng JSON do thidua score --out ghi (must be the JSON written by thidua score --out)',
    );
    return undefined;
  }
  const kind = data.kind;
  if (kind !== 'period' && kind !== 'year' && kind !== 'phase') {
    at(
      ['kind'],
      `phải là "period", "year" hoặc "phase", nhận được ${describeValue(kind)} (must be period, year or phase)`,
    );
    return undefined;
  }
  const { config } = loaded;
  const district = isRecord(data.district) ? data.district.slug : undefined;
  if (district !== undefined && district !== config.district.slug) {
    at(
      ['district', 'slug'],
      `kết quả của "${String(district)}", cấu hình là của "${config.district.slug}" (results of another district)`,
    );
  }
  const periodIds: string[] = [];
  let scope = '';
  if (kind === 'period') {
    if (typeof data.periodId !== 'string') at(['periodId'], 'thiếu mã kỳ (missing periodId)');
    else {
      scope = data.periodId;
      periodIds.push(data.periodId);
    }
  } else {
    if (typeof data.scopeId !== 'string') at(['scopeId'], 'thiếu phạm vi (missing scopeId)');
    else scope = data.scopeId;
    const ids = data.periodIds;
    if (!Array.isArray(ids) || !ids.every((p): p is string => typeof p === 'string')) {
      at(['periodIds'], 'phải là danh sách mã kỳ (must be a list of period ids)');
    } else periodIds.push(...ids);
  }
  const calendar = periodsOf(config);
  periodIds.forEach((id, i) => {
    if (!calendar.some((p) => p.id === id)) {
      at(
        kind === 'period' ? ['periodId'] : ['periodIds', i],
        `không có kỳ "${id}" trong lịch báo cáo (no such period in the calendar)`,
      );
    }
  });
  return { kind, scope, periodIds };
}

interface ResultLine {
  index: number;
  unit: Unit;
  status: UnitStatus;
  result: RankedResult;
}

function resultLines(data: unknown, head: ResultsHeader, loaded: LoadedDistrict, at: At): ResultLine[] {
  const units = isRecord(data) ? data.units : undefined;
  if (!Array.isArray(units)) {
    at(['units'], 'thiếu danh sách đơn vị (missing units)');
    return [];
  }
  const byId = new Map(loaded.config.units.map((u) => [u.id, u]));
  return units.flatMap((u: unknown, index: number): ResultLine[] => {
    const line = resultLine(u, ['units', index], head, byId, at);
    return line ? [{ index, ...line }] : [];
  });
}

/** One unit's line; its status follows from its flags (and, for a year or phase, the periods it missed). */
function resultLine(
  u: unknown,
  path: FieldPath,
  head: ResultsHeader,
  units: ReadonlyMap<string, Unit>,
  at: At,
): Omit<ResultLine, 'index'> | undefined {
  if (!isRecord(u)) {
    at(path, 'phải là một đối tượng (must be an object)');
    return undefined;
  }
  const unit = typeof u.unitId === 'string' ? units.get(u.unitId) : undefined;
  if (!unit) {
    at(
      [...path, 'unitId'],
      `không có đơn vị ${describeValue(u.unitId)} trong cấu hình (no such unit in the district config)`,
    );
    return undefined;
  }
  if (u.group !== unit.group) {
    at(
      [...path, 'group'],
      `đơn vị ${unit.id} thuộc nhóm ${unit.group}, không phải ${describeValue(u.group)} (wrong group)`,
    );
    return undefined;
  }
  const percent = exactPercent(u.percentExact, path, at);
  const band = u.band;
  const rank = u.rank;
  const flags = u.flags;
  if (percent === undefined) return undefined;
  if (band !== null && !isBand(band)) {
    at(
      [...path, 'band'],
      `xếp loại ${describeValue(band)} không hợp lệ; dùng ${BANDS.join(', ')} hoặc null (invalid band)`,
    );
    return undefined;
  }
  if (rank !== null && !(typeof rank === 'number' && Number.isInteger(rank) && rank >= 1)) {
    at(
      [...path, 'rank'],
      `hạng phải là số nguyên ≥ 1 hoặc null, nhận được ${describeValue(rank)} (rank must be an integer ≥ 1 or null)`,
    );
    return undefined;
  }
  if (!Array.isArray(flags) || !flags.every(isFlag)) {
    at([...path, 'flags'], `phải là danh sách trong ${FLAGS.join(', ')} (must be a list of known flags)`);
    return undefined;
  }
  const status = lineStatus(flags, u.missedPeriods, head);
  return { unit, status, result: { unitId: unit.id, group: unit.group, percent, band, rank, flags } };
}

function exactPercent(value: unknown, path: FieldPath, at: At): Fraction | null | undefined {
  if (value === null) return null;
  try {
    return fractionFromJson(String(value));
  } catch {
    at(
      [...path, 'percentExact'],
      `phải là phân số "tử/mẫu" hoặc null, nhận được ${describeValue(value)} (must be "num/den" or null)`,
    );
    return undefined;
  }
}

/**
 * Chưa thẩm định: not appraised. Không nộp báo cáo: in a period, no report (last by rule); in a
 * year or the phase, last by rule only when every period was missed (a unit that missed some is
 * ranked by its mean, the missed ones counting 0).
 */
function lineStatus(flags: readonly ResultFlag[], missedPeriods: unknown, head: ResultsHeader): UnitStatus {
  if (flags.includes('chua-tham-dinh')) return 'submitted-not-appraised';
  if (!flags.includes('khong-nop-bao-cao')) return 'approved';
  if (head.kind === 'period') return 'not-submitted';
  const missed = Array.isArray(missedPeriods) ? missedPeriods.length : 0;
  return head.periodIds.length > 0 && missed >= head.periodIds.length ? 'not-submitted' : 'approved';
}

/** Bands and ranks recomputed from the exact percentages, as scoring computes them; each difference is a problem. */
function checkRanking(
  lines: readonly ResultLine[],
  at: At,
  bands: readonly BandThreshold[] | undefined,
): void {
  for (const l of lines) {
    if (l.status === 'approved' && l.result.percent === null) {
      at(
        ['units', l.index, 'percentExact'],
        `${l.unit.name} (${l.unit.id}) được xếp hạng nhưng không có tỷ lệ chính xác (a ranked unit needs percentExact)`,
      );
    }
  }
  const ranked = new Map(
    rankGroup(
      lines.map((l) => ({
        unitId: l.unit.id,
        group: l.unit.group,
        status: l.status,
        percent: l.status === 'approved' ? l.result.percent : l.status === 'not-submitted' ? ZERO : null,
      })),
    ).map((r) => [r.unitId, r.rank]),
  );
  for (const l of lines) {
    const { percent, band, rank } = l.result;
    const who = `${l.unit.name} (${l.unit.id})`;
    const expectedBand =
      l.status === 'submitted-not-appraised' || percent === null ? null : bandOf(percent, bands);
    if (band !== expectedBand) {
      at(
        ['units', l.index, 'band'],
        `xếp loại ${describeValue(band)} của ${who} không khớp với tỷ lệ chính xác ` +
          `${percent ? `${formatPercent(percent)} %` : 'null'}: phải là ${describeValue(expectedBand)} ` +
          `(the band does not follow from percentExact; expected ${String(expectedBand)})`,
      );
    }
    const expectedRank = ranked.get(l.unit.id) ?? null;
    if (rank !== expectedRank) {
      at(
        ['units', l.index, 'rank'],
        `hạng ${describeValue(rank)} của ${who} không khớp với tỷ lệ chính xác của các đơn vị cùng khối: ` +
          `phải là ${describeValue(expectedRank)} (the rank does not follow from the exact percentages; expected ${String(expectedRank)})`,
      );
    }
  }
}

// ---------------------------------------------------------------- nominations and ballots

/** Zod issues as problems of the file: Vietnamese first, with the field's line. */
function zodProblems(f: DataFile, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((iss) => {
    const path = iss.path.filter((k): k is string | number => typeof k !== 'symbol');
    let value: unknown = f.data;
    for (const k of path)
      value = isRecord(value) ? value[k] : Array.isArray(value) ? value[Number(k)] : undefined;
    const message =
      iss.code === 'invalid_type' && value === undefined
        ? 'thiếu trường bắt buộc (required field is missing)'
        : iss.code === 'invalid_value'
          ? `phải là một trong ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, nhận được ${describeValue(value)} (must be one of these values)`
          : `giá trị không hợp lệ ${describeValue(value)}: ${iss.message} (invalid value)`;
    return f.problem(path, message);
  });
}

/** Fields the schema would silently drop: a misspelt optional field must not vanish. */
function unknownKeys(
  f: DataFile,
  value: unknown,
  allowed: readonly string[],
  path: FieldPath,
): ConfigProblem[] {
  if (!isRecord(value)) return [];
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) =>
      f.problem(
        [...path, k],
        `trường không được hỗ trợ, có thể viết sai tên; các trường: ${allowed.join(', ')} (unknown field)`,
      ),
    );
}

/** A file's data checked by its schema, with unknown fields reported at the top and in each list item. */
function parseWith<S extends z.ZodType>(
  read: DataFile,
  schema: S,
  fields: { top: readonly string[]; list: string; item: readonly string[] },
  problems: ConfigProblem[],
): z.output<S> | undefined {
  problems.push(...unknownKeys(read, read.data, fields.top, []));
  const items = isRecord(read.data) ? read.data[fields.list] : undefined;
  if (Array.isArray(items)) {
    items.forEach((item: unknown, i: number) => {
      problems.push(...unknownKeys(read, item, fields.item, [fields.list, i]));
    });
  }
  const parsed = schema.safeParse(read.data);
  if (!parsed.success) {
    problems.push(...zodProblems(read, parsed.error));
    return undefined;
  }
  return parsed.data;
}

const NOMINATION_FIELDS = Object.keys(NominationsFileSchema.shape.nominations.element.shape);
const BALLOT_FIELDS = Object.keys(BallotsFileSchema.shape.ballots.element.shape);

export interface NominationsInput {
  nominations: NominationInput[];
  initiativesApproved?: Set<string>;
  /** Units under discipline, investigation, inspection or a complaint (the file's `collectives`). */
  unitStatuses?: Record<string, DisciplineStatus>;
}

export function readNominations(
  file: string,
  loaded: LoadedDistrict,
  problems: ConfigProblem[],
): NominationsInput | undefined {
  const read = readOrCollect(file, problems);
  if (!read) return undefined;
  const before = problems.length;
  const fields = {
    top: ['nominations', 'initiativesApproved', 'collectives'],
    list: 'nominations',
    item: NOMINATION_FIELDS,
  };
  const parsed = parseWith(read, NominationsFileSchema, fields, problems);
  if (!parsed) return undefined;
  const units = new Map(loaded.config.units.map((u) => [u.id, u]));
  const seen = new Map<string, number>();
  parsed.nominations.forEach((n, i) => {
    if (!units.has(n.unitId)) {
      problems.push(
        read.problem(
          ['nominations', i, 'unitId'],
          `không có đơn vị "${n.unitId}" trong cấu hình (no such unit in the district config)`,
        ),
      );
    }
    const first = seen.get(n.id);
    if (first !== undefined) {
      problems.push(
        read.problem(
          ['nominations', i, 'id'],
          `mã đề nghị "${n.id}" trùng với nominations[${first}] (duplicate nomination id)`,
        ),
      );
    } else seen.set(n.id, i);
  });
  for (const unitId of Object.keys(parsed.collectives ?? {})) {
    if (!units.has(unitId)) {
      problems.push(
        read.problem(
          ['collectives', unitId],
          `không có đơn vị "${unitId}" trong cấu hình (no such unit in the district config)`,
        ),
      );
    }
  }
  if (problems.length > before) return undefined;
  const nominations: NominationInput[] = parsed.nominations.map((n) => ({
    id: n.id,
    name: n.name,
    unitId: n.unitId,
    form: n.form,
    achievements: n.achievements,
    status: n.status,
    submittedAt: n.submittedAt,
    ...(n.position !== undefined ? { position: n.position } : {}),
    ...(n.initiativeId !== undefined ? { initiativeId: n.initiativeId } : {}),
  }));
  return {
    nominations,
    ...(parsed.initiativesApproved ? { initiativesApproved: new Set(parsed.initiativesApproved) } : {}),
    ...(parsed.collectives ? { unitStatuses: parsed.collectives } : {}),
  };
}

export interface BallotsInput {
  read: DataFile;
  /** Absent when the file does not follow its schema (its problems are listed). */
  ballots?: BallotsFile;
}

/**
 * The ballots file, with its problems: the schema's (an unreadable time, a vote other than
 * yes/no/abstain) and voters who are not council members. The candidates voted on are checked
 * against the proposal by `ballotCandidateProblems`.
 */
export function readBallots(
  file: string,
  council: readonly { id: string }[],
  problems: ConfigProblem[],
): BallotsInput | undefined {
  const read = readOrCollect(file, problems);
  if (!read) return undefined;
  const before = problems.length;
  const fields = { top: ['closesAt', 'ballots'], list: 'ballots', item: BALLOT_FIELDS };
  const ballots = parseWith(read, BallotsFileSchema, fields, problems);
  const members = new Set(council.map((m) => m.id));
  rawBallots(read).forEach(({ memberId }, i) => {
    if (memberId !== undefined && !members.has(memberId)) {
      problems.push(
        read.problem(
          ['ballots', i, 'memberId'],
          `"${memberId}" không phải thành viên Hội đồng Thi đua – Khen thưởng trong cấu hình (not a council member)`,
        ),
      );
    }
  });
  return ballots && problems.length === before ? { read, ballots } : { read };
}

/** Each ballot of the file as written: its voter and the candidates it votes on. */
function rawBallots(read: DataFile): { memberId?: string; candidates: string[] }[] {
  const list = isRecord(read.data) ? read.data.ballots : undefined;
  if (!Array.isArray(list)) return [];
  return list.map((b: unknown) => ({
    ...(isRecord(b) && typeof b.memberId === 'string' ? { memberId: b.memberId } : {}),
    candidates: isRecord(b) && isRecord(b.votes) ? Object.keys(b.votes) : [],
  }));
}

/**
 * Every vote must name a candidate of the ballot the proposal puts to the council: one that does
 * not is a problem naming its line (a vote that cannot count is a mistake in the file, not
 * something to drop).
 */
export function ballotCandidateProblems(
  input: BallotsInput,
  proposal: { ballot: readonly string[]; candidates: readonly { id: string }[] },
): ConfigProblem[] {
  const onBallot = new Set(proposal.ballot);
  const candidates = new Set(proposal.candidates.map((c) => c.id));
  return rawBallots(input.read).flatMap((b, i) =>
    b.candidates
      .filter((id) => !onBallot.has(id))
      .map((id) =>
        input.read.problem(
          ['ballots', i, 'votes', id],
          candidates.has(id)
            ? `ứng viên "${id}" không được đưa ra biểu quyết (bị loại khỏi đề xuất) (the candidate is not on the ballot)`
            : `không có ứng viên "${id}" trong danh sách biểu quyết (no such candidate on the ballot)`,
        ),
      ),
  );
}
