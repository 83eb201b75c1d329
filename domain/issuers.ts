/**
 * Who may grant what: the forms each issuer level may award, as dated data.
 *
 * Only the forms this system knows (`CommendationForm`) are listed; the laws also give
 * issuers forms outside its scope (e.g. "Gia đình văn hóa", "Thôn, tổ dân phố văn hóa"),
 * which it never proposes. A list applies from `effectiveFrom` to `effectiveTo` inclusive
 * (yyyy-mm-dd, local dates). A date no list covers means: no known authority, so nothing
 * may be granted — the caller refuses with that reason instead of guessing.
 */
import { addDays, formatDate } from './calendar.ts';
import type { AdministrativeLevel, CommendationForm, IsoDate } from './model.ts';

/**
 * A dated list as people name it, by its dates ("Danh mục thẩm quyền áp dụng từ 15/09/2017 đến
 * 31/12/2023"), never by its id in the data.
 */
export function issuerListName(l: Pick<IssuerFormList, 'effectiveFrom' | 'effectiveTo'>): string {
  return `Danh mục thẩm quyền áp dụng từ ${formatDate(l.effectiveFrom)}${
    l.effectiveTo ? ` đến ${formatDate(l.effectiveTo)}` : ''
  }`;
}

export const FORM_LABELS: Record<CommendationForm, string> = {
  'giay-khen': 'Giấy khen',
  'bang-khen-tinh': 'Bằng khen của Chủ tịch UBND tỉnh',
  'bang-khen-thu-tuong': 'Bằng khen của Thủ tướng Chính phủ',
  'co-thi-dua-tinh': 'Cờ thi đua của UBND tỉnh',
  'tap-the-lao-dong-xuat-sac': 'Danh hiệu “Tập thể lao động xuất sắc”',
  'chien-si-thi-dua-cap-tinh': 'Danh hiệu “Chiến sĩ thi đua cấp tỉnh”',
  'tap-the-lao-dong-tien-tien': 'Danh hiệu “Tập thể lao động tiên tiến”',
  'chien-si-thi-dua-co-so': 'Danh hiệu “Chiến sĩ thi đua cơ sở”',
  'lao-dong-tien-tien': 'Danh hiệu “Lao động tiên tiến”',
};

export const COMMENDATION_FORMS = Object.keys(FORM_LABELS) as CommendationForm[];

/**
 * Emulation titles (danh hiệu thi đua), awarded on the year's results: thematic (movement) results
 * may never ground them. The provincial Cờ thi đua is counted here too: this system never proposes it.
 */
export const ANNUAL_TITLES: ReadonlySet<CommendationForm> = new Set<CommendationForm>([
  'co-thi-dua-tinh',
  'tap-the-lao-dong-xuat-sac',
  'chien-si-thi-dua-cap-tinh',
  'tap-the-lao-dong-tien-tien',
  'chien-si-thi-dua-co-so',
  'lao-dong-tien-tien',
]);

export function isCommendationForm(value: string): value is CommendationForm {
  return Object.hasOwn(FORM_LABELS, value);
}

/** The issuer at each level: the chairman of that level's People's Committee, or a department director. */
export const ISSUER_LABELS: Record<AdministrativeLevel, string> = {
  huyen: 'Chủ tịch UBND cấp huyện',
  xa: 'Chủ tịch UBND cấp xã',
  tinh: 'Chủ tịch UBND cấp tỉnh',
  so: 'Thủ trưởng cơ quan chuyên môn thuộc UBND cấp tỉnh (sở)',
};

export interface IssuerFormList {
  /** ASCII id, e.g. "huyen-2024". */
  id: string;
  level: AdministrativeLevel;
  forms: readonly CommendationForm[];
  effectiveFrom: IsoDate;
  /** Inclusive; absent = still in force as far as this data knows. */
  effectiveTo?: IsoDate;
  /** Legal source, in Vietnamese. */
  source: string;
  /** Present when the list was not checked against the text in force: check before relying on it. */
  caution?: string;
}

/** The day the 2022 Law came into force (with Nghị định 98/2023/NĐ-CP, issued 31/12/2023). */
export const LAW_2022_FROM: IsoDate = '2024-01-01';
/**
 * The day local government became two-level (Nghị quyết 203/2025/QH15): no more huyện. Nghị định
 * 152/2025/NĐ-CP, which gives the commendation powers of the new levels, applies from the same day.
 */
export const TWO_LEVELS_FROM: IsoDate = '2025-07-01';

/**
 * The texts a commendation document cites as its legal bases (*Căn cứ …*), as in force on the
 * decision date: a document dated in 2023 cannot cite the 2022 Law or a decree of 31/12/2023.
 * The same dates bound the issuer lists below.
 */
export function legalBasesOn(onDate: IsoDate): string[] {
  if (onDate < LAW_2022_FROM) {
    return [
      'Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, Khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013;',
      'Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;',
    ];
  }
  const decree =
    onDate < TWO_LEVELS_FROM
      ? 'Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;'
      : 'Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ;';
  return ['Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;', decree];
}

const LAW_2003 =
  'Luật Thi đua, Khen thưởng 2003 (sửa đổi, bổ sung 2005, 2013); Nghị định 91/2017/NĐ-CP (hiệu lực 15/09/2017)';
const LAW_2022 = 'Luật Thi đua, Khen thưởng 2022 (số 06/2022/QH15, hiệu lực 01/01/2024)';
const DECREE_98 = 'Nghị định 98/2023/NĐ-CP';
const DECREE_152 = 'Nghị định 152/2025/NĐ-CP; chính quyền địa phương hai cấp từ 01/07/2025';

const CAUTION_BEFORE_2024 =
  'Danh sách theo Luật 2003 và Nghị định 91/2017/NĐ-CP chưa được đối chiếu với văn bản gốc: ' +
  'kiểm tra lại trước khi dựa vào cho các kỳ trước 01/01/2024.';
const CAUTION_FROM_JULY_2025 =
  'Từ 01/07/2025 (Nghị định 152/2025/NĐ-CP, chính quyền địa phương hai cấp, không còn cấp huyện) ' +
  'thẩm quyền khen thưởng đã được sắp xếp lại; danh sách này chỉ giữ lại các hình thức đã có ' +
  'trước đó và chưa được đối chiếu: phải kiểm tra trước khi dựa vào.';

const HUYEN_FORMS: readonly CommendationForm[] = [
  'tap-the-lao-dong-tien-tien',
  'chien-si-thi-dua-co-so',
  'lao-dong-tien-tien',
  'giay-khen',
];

/** A department (sở) director's list; the provincial chairman's adds the provincial forms (DOMAIN.md, "A province tenant"). */
const SO_FORMS = HUYEN_FORMS;
const TINH_FORMS: readonly CommendationForm[] = [
  ...SO_FORMS,
  'bang-khen-tinh',
  'co-thi-dua-tinh',
  'tap-the-lao-dong-xuat-sac',
  'chien-si-thi-dua-cap-tinh',
];

/** The province tenant's rules are a product decision, not yet checked against the texts in force. */
export const PROVINCE_CAUTION =
  'Thẩm quyền và hình thức khen thưởng của phong trào cấp tỉnh (Bằng khen của Chủ tịch UBND tỉnh; ' +
  'đề nghị Thủ tướng Chính phủ tặng Bằng khen) là quyết định của sản phẩm, chưa được đối chiếu với ' +
  'văn bản hiện hành: phải được xác nhận về pháp lý trước khi triển khai thật.';

/**
 * The dated lists. Lists of one level never overlap (checked by `checkIssuerLists`, run in the
 * tests). The huyện lists end on 30/06/2025: that level no longer exists afterwards. A province
 * (tỉnh) or department (sở) tenant has lists from 01/07/2025 only (DOMAIN.md, "A province
 * tenant"): before that date it had no campaign of its own here, and nothing may be granted.
 */
export const ISSUER_FORM_LISTS: readonly IssuerFormList[] = [
  {
    id: 'huyen-2017',
    level: 'huyen',
    forms: HUYEN_FORMS,
    effectiveFrom: '2017-09-15',
    effectiveTo: addDays(LAW_2022_FROM, -1),
    source: `${LAW_2003}, thẩm quyền của Chủ tịch UBND cấp huyện`,
    caution: CAUTION_BEFORE_2024,
  },
  {
    id: 'huyen-2024',
    level: 'huyen',
    forms: HUYEN_FORMS,
    effectiveFrom: LAW_2022_FROM,
    effectiveTo: addDays(TWO_LEVELS_FROM, -1),
    source: `${LAW_2022}, Điều 80 khoản 2; ${DECREE_98}`,
  },
  {
    id: 'xa-2017',
    level: 'xa',
    forms: ['giay-khen'],
    effectiveFrom: '2017-09-15',
    effectiveTo: addDays(LAW_2022_FROM, -1),
    source: `${LAW_2003}, thẩm quyền của Chủ tịch UBND cấp xã`,
    caution: CAUTION_BEFORE_2024,
  },
  {
    id: 'xa-2024',
    level: 'xa',
    forms: ['lao-dong-tien-tien', 'giay-khen'],
    effectiveFrom: LAW_2022_FROM,
    effectiveTo: addDays(TWO_LEVELS_FROM, -1),
    source: `${LAW_2022}, Điều 80 khoản 3; ${DECREE_98}`,
  },
  {
    id: 'xa-2025-07',
    level: 'xa',
    forms: ['lao-dong-tien-tien', 'giay-khen'],
    effectiveFrom: TWO_LEVELS_FROM,
    source: `${LAW_2022}, Điều 80; ${DECREE_152}`,
    caution: CAUTION_FROM_JULY_2025,
  },
  {
    id: 'so-2025-07',
    level: 'so',
    forms: SO_FORMS,
    effectiveFrom: TWO_LEVELS_FROM,
    source: `${LAW_2022}, Điều 80 khoản 1; ${DECREE_152}`,
    caution: CAUTION_FROM_JULY_2025,
  },
  {
    id: 'tinh-2025-07',
    level: 'tinh',
    forms: TINH_FORMS,
    effectiveFrom: TWO_LEVELS_FROM,
    source: `${LAW_2022}, Điều 80 khoản 1; ${DECREE_152}`,
    caution: PROVINCE_CAUTION,
  },
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertIsoDate(date: string, what: string): void {
  if (!ISO_DATE.test(date)) throw new RangeError(`${what}: “${date}” is not a yyyy-mm-dd date`);
}

/** The list in force for an issuer level on a date, or null when no known list covers that date. */
export function issuerFormListOn(
  level: AdministrativeLevel,
  onDate: IsoDate,
  lists: readonly IssuerFormList[] = ISSUER_FORM_LISTS,
): IssuerFormList | null {
  assertIsoDate(onDate, 'onDate');
  // yyyy-mm-dd strings order as dates.
  const found = lists.filter(
    (l) =>
      l.level === level &&
      l.effectiveFrom <= onDate &&
      (l.effectiveTo === undefined || onDate <= l.effectiveTo),
  );
  if (found.length > 1) {
    throw new Error(`Issuer lists overlap for ${level} on ${onDate}: ${found.map((l) => l.id).join(', ')}`);
  }
  return found[0] ?? null;
}

/** The forms the issuer of `level` may grant on `onDate`; empty when no list is in force. */
export function formsIssuerMayGrant(
  level: AdministrativeLevel,
  onDate: IsoDate,
  lists: readonly IssuerFormList[] = ISSUER_FORM_LISTS,
): readonly CommendationForm[] {
  return issuerFormListOn(level, onDate, lists)?.forms ?? [];
}

/** Problems in a set of lists: bad dates, from after to, overlapping lists of one level. Empty = sound. */
export function checkIssuerLists(lists: readonly IssuerFormList[] = ISSUER_FORM_LISTS): string[] {
  const problems: string[] = [];
  for (const l of lists) {
    if (!ISO_DATE.test(l.effectiveFrom)) problems.push(`${l.id}: effectiveFrom is not yyyy-mm-dd`);
    if (l.effectiveTo !== undefined && !ISO_DATE.test(l.effectiveTo)) {
      problems.push(`${l.id}: effectiveTo is not yyyy-mm-dd`);
    }
    if (l.effectiveTo !== undefined && l.effectiveTo < l.effectiveFrom) {
      problems.push(`${l.id}: effectiveTo is before effectiveFrom`);
    }
  }
  for (const [i, a] of lists.entries()) {
    for (const b of lists.slice(i + 1)) {
      if (a.level !== b.level) continue;
      const aEnd = a.effectiveTo ?? '9999-12-31';
      const bEnd = b.effectiveTo ?? '9999-12-31';
      if (a.effectiveFrom <= bEnd && b.effectiveFrom <= aEnd) problems.push(`${a.id} and ${b.id} overlap`);
    }
  }
  return problems;
}

/** The movement's own awards for an issuer level (DOMAIN.md, "What this system proposes"). */
export interface MovementAwards {
  /** The thematic award (khen thưởng theo chuyên đề) to collectives and nominated individuals. */
  thematic: CommendationForm;
  /** The form the best are proposed upward for; this level only proposes it. */
  upward: CommendationForm;
  /** Who grants the upward form, inside a sentence: "Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen". */
  upwardIssuer: string;
  /** The upward form's short name inside a sentence. */
  upwardShort: string;
  /** Present when these awards are not yet confirmed legally: shown as a warning. */
  caution?: string;
}

const DISTRICT_AWARDS: MovementAwards = {
  thematic: 'giay-khen',
  upward: 'bang-khen-tinh',
  upwardIssuer: 'Chủ tịch UBND tỉnh',
  upwardShort: 'Bằng khen',
};

const MOVEMENT_AWARDS: Record<AdministrativeLevel, MovementAwards> = {
  huyen: DISTRICT_AWARDS,
  xa: DISTRICT_AWARDS,
  so: DISTRICT_AWARDS,
  tinh: {
    thematic: 'bang-khen-tinh',
    upward: 'bang-khen-thu-tuong',
    upwardIssuer: 'Thủ tướng Chính phủ',
    upwardShort: 'Bằng khen',
    caution: PROVINCE_CAUTION,
  },
};

export function movementAwards(level: AdministrativeLevel): MovementAwards {
  return MOVEMENT_AWARDS[level];
}

/**
 * What an admin should know before relying on the issuer lists over a span of decision dates
 * (yyyy-mm-dd, inclusive): each list in force in the span whose `caution` says it was not checked,
 * each part of the span no list covers (nothing may be granted then), and the level's movement
 * awards when they are not yet confirmed legally. Empty when there is nothing to say.
 */
export function issuerCautions(
  level: AdministrativeLevel,
  from: IsoDate,
  to: IsoDate,
  lists: readonly IssuerFormList[] = ISSUER_FORM_LISTS,
): string[] {
  const own = lists
    .filter((l) => l.level === level && l.effectiveFrom <= to && (l.effectiveTo ?? '9999-12-31') >= from)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  const out: string[] = [];
  let covered = from;
  for (const l of own) {
    if (l.effectiveFrom > covered) out.push(gap(level, covered, dayBefore(l.effectiveFrom)));
    if (l.caution) out.push(`${issuerListName(l)}: ${l.caution}`);
    covered = l.effectiveTo === undefined ? '9999-12-31' : dayAfter(l.effectiveTo);
  }
  if (covered <= to) out.push(gap(level, covered, to));
  const awards = MOVEMENT_AWARDS[level].caution;
  if (awards && !own.some((l) => l.caution === awards)) out.push(awards);
  return out;
}

function gap(level: AdministrativeLevel, from: IsoDate, to: IsoDate): string {
  return (
    `Không có danh mục thẩm quyền khen thưởng của ${ISSUER_LABELS[level]} từ ${formatDate(from)} đến ${formatDate(to)}` +
    (level === 'huyen' && to >= TWO_LEVELS_FROM
      ? ` (cấp huyện không còn từ ${formatDate(TWO_LEVELS_FROM)})`
      : '') +
    ': đề xuất khen thưởng xét trong khoảng này không có hình thức nào được đề nghị.'
  );
}

const dayAfter = (date: IsoDate) => addDays(date, 1);
const dayBefore = (date: IsoDate) => addDays(date, -1);
