/**
 * The shared vocabulary of the campaign. Pure types, no behaviour, no AWS import.
 *
 * Points are always integer hundredths of a point (8.73 points = 873), never binary floats:
 * DOMAIN.md decides this so that every sum and comparison is exact.
 */

/** Integer hundredths of a point. */
import type { BandThreshold } from './ranking.ts';

export type Points = number;

/** yyyy-mm-dd, a calendar date in the district's time zone. */
export type IsoDate = string;

/** An instant, ISO 8601 with offset (e.g. 2024-10-01T08:00:00+07:00) or Z. */
export type IsoInstant = string;

export type AdministrativeLevel = 'huyen' | 'xa' | 'tinh' | 'so';

/** Offices (phòng, ban) and communes (xã, thị trấn) are never ranked against each other. */
export type UnitGroup = 'office' | 'commune';
export const UNIT_GROUPS: readonly UnitGroup[] = ['office', 'commune'];

/** How a group is named inside a sentence ("Xếp hạng 2/12 khối cơ quan"). */
export const GROUP_LABELS: Record<UnitGroup, string> = {
  office: 'khối cơ quan',
  commune: 'khối xã, thị trấn',
};

/** The groups' names at a level: a province's communes are xã and phường (no thị trấn since 1/7/2025). */
export function groupLabelsFor(level: AdministrativeLevel): Record<UnitGroup, string> {
  return level === 'tinh' ? { ...GROUP_LABELS, commune: 'khối xã, phường' } : GROUP_LABELS;
}

// ---------------------------------------------------------------- criteria sets

/** A node of a criteria set. Leaves are what reports and appraisals score. */
export interface Criterion {
  /** Dotted id unique within the set, e.g. "3.2.1". ASCII. */
  id: string;
  name: string;
  max: Points;
  /** A leaf claimed (self-score > 0) without evidence is a reason to return the report. */
  evidenceRequired: boolean;
  /** Optional guidance shown to the unit and reviewer. */
  guidance?: string;
  /** When present, max must equal the sum of the children's max; only leaves are scored. */
  children?: Criterion[];
}

export type AreaKind = 'assessed' | 'survey';

export interface Area {
  /** "1".."9" */
  id: string;
  name: string;
  kind: AreaKind;
  max: Points;
  /** Empty for a survey area (its score comes from the survey result the admin records). */
  criteria: Criterion[];
}

export interface CriteriaSet {
  /** ASCII slug, unique across the repo, e.g. "huyen-co-quan-2022". */
  id: string;
  version: string;
  name: string;
  /** The set applies to periods that open on or after this date (latest such set wins). */
  effectiveFrom: IsoDate;
  /** Where its numbers come from (decisions, adaptations). */
  source: string;
  /** Sum of the areas' max; 100 points = 10000. */
  max: Points;
  /** Default caps; the district config may override them per group. */
  bonusCap: Points;
  penaltyCap: Points;
  areas: Area[];
}

// ---------------------------------------------------------------- district config

export interface Person {
  /** ASCII slug, unique among the district's people of this role. */
  id: string;
  name: string;
  email: string;
  /** Home unit id, if the person belongs to one of the campaign's units. */
  unit?: string;
  /** Title shown in emails, e.g. "Phó Trưởng phòng Nội vụ". */
  title?: string;
}

export interface Unit {
  /** ASCII slug: appears in keys, execution names and URLs. */
  id: string;
  name: string;
  group: UnitGroup;
  focalPoint: { name: string; email: string };
}

export type Frequency = 'quarterly' | 'half-yearly' | 'yearly';

export interface ReportingCalendar {
  frequency: Frequency;
  /** Days after the period's last day on which the submission window opens (0 = the next day). */
  opensAfterDays: number;
  /** Length of the submission window in days: deadline = open date + submissionDays. */
  submissionDays: number;
  /** Reminder this many days before the deadline. */
  reminderLeadDays: number;
  /** Review closes this many days after the deadline. */
  reviewDays: number;
  /** Appraisals still accepted this many days after review close (then a new results version). */
  lateAppraisalGraceDays: number;
  /** Local wall-clock time (HH:mm) of the open, reminder and close events. */
  openTime: string;
  /** Local wall-clock time (HH:mm) of the deadline. */
  deadlineTime: string;
}

export interface GroupSettings {
  /** Criteria set ids for this group; the one in force for a period is chosen by effective date. */
  criteriaSets: string[];
  /** Override of the set's caps, if given. */
  bonusCap?: Points;
  penaltyCap?: Points;
}

export type CollectiveSelection =
  | { mode: 'top'; perGroup: number }
  | { mode: 'threshold'; minPercent: number };

export interface CommendationSettings {
  /** Level of the issuer of the movement's award (the chairman of this district's level). */
  issuerLevel: AdministrativeLevel;
  collectives: CollectiveSelection;
  /** Optional cap on proposals per group (collectives and individuals counted apart); off by default. */
  quotaPerGroup?: number;
  /** Proposals upward (a provincial Bằng khen; a province's, the Prime Minister's) for the best: units at or above this percentage. */
  upward?: { minPercent: number; perGroup: number };
  /** Minimum band a collective must reach to be proposed at all. */
  minBand: Band;
  council: {
    /** Quorum: at least ceil(quorumNumerator/quorumDenominator × N) members present. Default 2/3. */
    quorum: { numerator: number; denominator: number };
    /** Pass: at least ceil(passPercent/100 × N) yes votes (of all members). Default 70. */
    passPercent: number;
    /** Days the vote stays open. */
    voteDays: number;
    /**
     * Members who have not voted are reminded this many days before the vote closes (0: never;
     * at least voteDays: never, which the config check refuses when it is written out).
     */
    reminderLeadDays: number;
  };
}

export interface DistrictConfig {
  district: {
    name: string;
    slug: string;
    level: AdministrativeLevel;
    timeZone: string;
    /** Name of the People's Committee issuing the plan, e.g. "UBND huyện Sông Lam". */
    authority: string;
    /** The address pages and links are served from (https://… in the cloud). */
    baseUrl?: string;
    /** Sender address for emails (an SES-verified identity). */
    mailFrom: string;
    /** SES's sending rate of the account, messages a second (default 14). */
    sendRatePerSecond?: number;
  };
  campaign: {
    planNumber: string;
    planDate: IsoDate;
    title: string;
    phaseStart: IsoDate;
    phaseEnd: IsoDate;
    /** The plan's content, carried by the launch notice. */
    content: string;
    /** A config whose phase is already over is refused unless this is true (the demo replays 2022–2025). */
    allowPastPhase?: boolean;
  };
  units: Unit[];
  reviewers: Person[];
  council: Person[];
  admins: Person[];
  /** Leadership who receive results and the proposal. */
  leadership: Person[];
  calendar: ReportingCalendar;
  groups: Record<UnitGroup, GroupSettings>;
  commendation: CommendationSettings;
  /**
   * Each band's lowest percentage, best first, Yếu from 0 (DOMAIN.md: the bands are a default the
   * district may change). Absent: DOMAIN.md's (ranking.ts `DEFAULT_BANDS`).
   */
  bands?: readonly BandThreshold[];
}

// ---------------------------------------------------------------- periods

export interface Period {
  /** "2024Q3", "2024H2" or "2024". ASCII, appears in execution names. */
  id: string;
  frequency: Frequency;
  year: number;
  /** First and last calendar day covered by the period (clipped to the phase). */
  start: IsoDate;
  end: IsoDate;
  /** The four calendar events, as instants. */
  opensAt: IsoInstant;
  remindAt: IsoInstant;
  deadlineAt: IsoInstant;
  reviewClosesAt: IsoInstant;
  /** Review close + grace: review executions end by then. */
  lateAppraisalUntil: IsoInstant;
}

// ---------------------------------------------------------------- reports and appraisals

export interface EvidenceRef {
  /** Document number, e.g. "45/BC-UBND". */
  number?: string;
  /** yyyy-mm-dd */
  date?: IsoDate;
  issuer?: string;
  url?: string;
  title?: string;
  /** An uploaded file (docs/evidence.md): the verified version a report cites, never rewritten. */
  file?: EvidenceFile;
}

/** A file in the evidence store, as the report cites it. */
export interface EvidenceFile {
  /** `evidence/<unit>/<period>/r<round>/<id>-<name>`: unique per upload. */
  key: string;
  /** The version that was verified; downloads serve exactly this one. */
  versionId: string;
  /** The person's own file name (what a download is saved as). */
  name: string;
  /** Bytes. */
  size: number;
  /** The stored content type. */
  type: string;
}

export interface CriterionEntry {
  selfScore: Points;
  explanation: string;
  evidence: EvidenceRef[];
}

export interface Initiative {
  /** ASCII slug unique within the unit-period. */
  id: string;
  title: string;
  description: string;
  effect?: string;
}

/** 05T/05K self-check: each message item answered yes/no with an optional note. */
export interface ServiceSelfCheck {
  t05: boolean[];
  k05: boolean[];
  note?: string;
}

/** A person's or a unit's standing: any but `none` bars a proposal (DOMAIN.md). */
export const DISCIPLINE_STATUSES = [
  'none',
  'discipline',
  'investigation',
  'inspection',
  'complaint',
] as const;
export type DisciplineStatus = (typeof DISCIPLINE_STATUSES)[number];

export interface Nomination {
  /** ASCII slug unique within the file/period. */
  id: string;
  name: string;
  position?: string;
  unitId: string;
  /** Requested form, e.g. "giay-khen". */
  form: CommendationForm;
  achievements: string;
  /** Initiative id cited (one initiative supports one award). */
  initiativeId?: string;
  status: DisciplineStatus;
  /** When the nomination was submitted (first submitted keeps a contested initiative). */
  submittedAt: IsoInstant;
}

export interface Report {
  unitId: string;
  periodId: string;
  criteriaSetId: string;
  /** Leaf criterion id → entry. */
  entries: Record<string, CriterionEntry>;
  initiatives: Initiative[];
  selfCheck?: ServiceSelfCheck;
  nominations: Nomination[];
  /** Free text summary of the period's work. */
  summary?: string;
  /**
   * The unit's explanation (giải trình) answering the reviewer's return in the current round;
   * kept with the report so a saved draft of it is not lost, and carried by the `explained` decision.
   */
  response?: string;
}

export interface AppraisalEntry {
  score: Points;
  comment: string;
}

export interface Appraisal {
  unitId: string;
  periodId: string;
  criteriaSetId: string;
  reviewerId: string;
  /** Leaf criterion id → appraised entry. */
  entries: Record<string, AppraisalEntry>;
}

// ---------------------------------------------------------------- scoring

export type Band = 'xuat-sac' | 'tot' | 'kha' | 'trung-binh' | 'yeu';

export const BAND_LABELS: Record<Band, string> = {
  'xuat-sac': 'Xuất sắc',
  tot: 'Tốt',
  kha: 'Khá',
  'trung-binh': 'Trung bình',
  yeu: 'Yếu',
};

export type ResultFlag = 'khong-nop-bao-cao' | 'chua-tham-dinh';

export const FLAG_LABELS: Record<ResultFlag, string> = {
  'khong-nop-bao-cao': 'Không nộp báo cáo',
  'chua-tham-dinh': 'Chưa thẩm định',
};

/**
 * An exact non-negative rational, for percentages that rescaling makes fractional.
 * Always reduced; den > 0.
 */
export interface Fraction {
  num: bigint;
  den: bigint;
}

// ---------------------------------------------------------------- commendation

/**
 * Forms of commendation the issuer lists name. The system proposes only the movement's thematic
 * award (a Giấy khen, or for a province the Bằng khen of its chairman) and upward proposals; the
 * others are there to refuse a nomination the issuer cannot grant or that asks for an annual title.
 */
export type CommendationForm =
  | 'giay-khen'
  | 'bang-khen-tinh'
  | 'bang-khen-thu-tuong'
  | 'co-thi-dua-tinh'
  | 'tap-the-lao-dong-xuat-sac'
  | 'chien-si-thi-dua-cap-tinh'
  | 'tap-the-lao-dong-tien-tien'
  | 'chien-si-thi-dua-co-so'
  | 'lao-dong-tien-tien';

export type Vote = 'yes' | 'no' | 'abstain';
