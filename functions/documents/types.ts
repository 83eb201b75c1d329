/**
 * What the document generators take: the domain's own results, criteria sets, appraisals,
 * commendation outcome and tally, plus the few facts a document needs that the results do not
 * carry (who issues it, who signs it, where and when). One input type per document.
 */

import type { AggregateResults } from '#domain/aggregate';
import type { Proposal } from '#domain/commendation-model';
import type { CouncilRule, Tally } from '#domain/council';
import type { FinalList } from '#domain/final-list';
import type {
  AdministrativeLevel,
  CriteriaSet,
  DistrictConfig,
  IsoDate,
  IsoInstant,
  Period,
  Person,
  UnitGroup,
} from '#domain/model';
import type { BandThreshold } from '#domain/ranking';
import type { GroupCaps, PeriodResults, UnitPeriodInput } from '#domain/scoring';

/** Bad input for a document (results that disagree with the appraisals, nothing to propose …). */
export class DocumentInputError extends Error {
  override name = 'DocumentInputError';
}

/** The body that issues a document (Nghị định 30/2020, Phụ lục I: tên cơ quan ban hành). */
export interface IssuingBody {
  /** The body directly above it, printed above its name, e.g. "UBND huyện Sông Lam". */
  parent?: string;
  /** e.g. "Phòng Nội vụ", "Hội đồng Thi đua – Khen thưởng". */
  name: string;
  /** Its abbreviation in document numbers ("Số:      /TTr-PNV"), e.g. "PNV". */
  abbreviation: string;
}

export interface Signer {
  /** The signer's title, e.g. "Trưởng phòng"; printed in capitals. */
  title: string;
  /** When signing on behalf (e.g. "KT. Trưởng phòng"), printed above the title. */
  onBehalfOf?: string;
  name: string;
}

/** Facts every document shares: the district, the campaign and when the file is produced. */
export interface DocumentContext {
  /** "huyện Sông Lam". */
  districtName: string;
  /** The People's Committee, "UBND huyện Sông Lam". */
  authority: string;
  /** Place of the date line (địa danh), "Sông Lam". */
  place: string;
  timeZone: string;
  /** The tenant's level, which names the groups (format.ts `groupNames`); absent: a district. */
  level?: AdministrativeLevel;
  /** When the file is produced: exports show its date (dd/mm/yyyy in timeZone). */
  producedAt: Date;
  /** The document's own date; without it the date line is left blank for the signer. */
  documentDate?: IsoDate;
  campaign: { planNumber: string; planDate: IsoDate; title: string };
}

// ---------------------------------------------------------------- scoring summaries

/** Per unit id, the appraised score of every leaf: what computePeriodResults was given. */
export type AppraisalsByUnit = Readonly<Record<string, Pick<UnitPeriodInput, 'appraised'>>>;

export interface PeriodSummaryInput {
  context: DocumentContext;
  /** Who draws up the table (printed in its heading), usually the Phòng Nội vụ. */
  issuer: IssuingBody;
  period: Pick<Period, 'id' | 'year' | 'start' | 'end'>;
  results: PeriodResults;
  /** The criteria set each group was scored with (the same objects computePeriodResults used). */
  setsByGroup: Partial<Record<UnitGroup, CriteriaSet>>;
  appraisals: AppraisalsByUnit;
  /** The district's caps per group, if it overrides the set's (shown in the bonus/penalty rows). */
  caps?: Partial<Record<UnitGroup, GroupCaps>>;
  /** The thresholds the results were banded with, when not the default. */
  bands?: readonly BandThreshold[];
}

export interface AggregateSummaryInput {
  context: DocumentContext;
  issuer: IssuingBody;
  results: AggregateResults;
  /** The calendar's periods of results.periodIds (for their dates). */
  periods: readonly Pick<Period, 'id' | 'year' | 'start' | 'end'>[];
  bands?: readonly BandThreshold[];
}

export type SummaryInput = PeriodSummaryInput | AggregateSummaryInput;

export function isPeriodSummary(input: SummaryInput): input is PeriodSummaryInput {
  return input.results.kind === 'period';
}

// ---------------------------------------------------------------- official documents

/** The results report (báo cáo kết quả) of a period: the period summary plus who signs it. */
export interface ResultsReportInput extends PeriodSummaryInput {
  signer: Signer;
  /** Nơi nhận; defaults to the People's Committee, the units and the archive. */
  recipients?: readonly string[];
}

/** What the commendation was decided on: a period, a year or the phase. */
export interface CommendationScope {
  kind: 'period' | 'year' | 'phase';
  /** Period id, year ("2024") or phase ("2022-2025"). */
  id: string;
}

/** The submission for commendation (tờ trình đề nghị khen thưởng) with its list. */
export interface ProposalDocumentInput {
  context: DocumentContext;
  issuer: IssuingBody;
  signer: Signer;
  scope: CommendationScope;
  proposal: Proposal;
  final: FinalList;
  /** The nominations, for each individual's achievements (the final list carries names and units). */
  nominations?: readonly { id: string; achievements: string }[];
  /** The vote record's date, cited as a ground. */
  voteRecordDate?: IsoDate;
  /** Addressee; defaults to "Chủ tịch <authority>". */
  addressee?: string;
  /** Legal grounds (căn cứ); defaults to the law and the decree in force on the decision date. */
  legalBases?: readonly string[];
  recipients?: readonly string[];
}

/** The council's vote record (biên bản kiểm phiếu). */
export interface VoteRecordInput {
  context: DocumentContext;
  /** The council, as the issuing body (parent: the People's Committee). */
  issuer: IssuingBody;
  scope: CommendationScope;
  proposal: Proposal;
  tally: Tally;
  /** Every member of the council, for names (the tally carries ids). */
  members: readonly Person[];
  rule: CouncilRule;
  /** When the vote closed. */
  closesAt?: IsoInstant;
  chair: Signer;
  secretary: Signer;
  recipients?: readonly string[];
}

// ---------------------------------------------------------------- from the district config

/** The Phòng Nội vụ (or Sở Nội vụ, or the commune's committee) by the district's level. */
export function homeAffairsOffice(config: Pick<DistrictConfig, 'district'>): IssuingBody {
  const { level, authority } = config.district;
  if (level === 'huyen') return { parent: authority, name: 'Phòng Nội vụ', abbreviation: 'PNV' };
  if (level === 'tinh') return { parent: authority, name: 'Sở Nội vụ', abbreviation: 'SNV' };
  return { name: authority, abbreviation: 'UBND' };
}

/** The emulation council of the district's People's Committee. */
export function councilBody(config: Pick<DistrictConfig, 'district'>): IssuingBody {
  return {
    parent: config.district.authority,
    name: 'Hội đồng Thi đua – Khen thưởng',
    abbreviation: 'HĐTĐKT',
  };
}

/** The place of the date line: the district's name without its level ("huyện Sông Lam" → "Sông Lam"). */
export function placeOf(districtName: string): string {
  return districtName.replace(/^(huyện|quận|thị xã|thành phố|xã|phường|thị trấn|tỉnh)\s+/iu, '');
}

export function contextFromConfig(
  config: Pick<DistrictConfig, 'district' | 'campaign'>,
  options: { producedAt: Date; documentDate?: IsoDate; place?: string },
): DocumentContext {
  return {
    districtName: config.district.name,
    authority: config.district.authority,
    place: options.place ?? placeOf(config.district.name),
    timeZone: config.district.timeZone,
    level: config.district.level,
    producedAt: options.producedAt,
    ...(options.documentDate ? { documentDate: options.documentDate } : {}),
    campaign: {
      planNumber: config.campaign.planNumber,
      planDate: config.campaign.planDate,
      title: config.campaign.title,
    },
  };
}
