/**
 * The step context's campaign: the district's campaign read once per invocation and handed to the
 * step with what steps look up in it — the sender of its letters, its units, people, criteria sets
 * and the periods of its calendar. The header is read eventually consistently, and a warm
 * container reuses that read for a few seconds (HEADER_REUSE_MS); the rest is kept per container
 * under (table, version, content hash) by the campaign store, so a warm container reads at most
 * one small item.
 *
 * A launch step names the version it launches: a header that is older is read again strongly
 * (the launch was stored just before its execution started), and a newer one means this launch
 * is superseded (docs/storage.md, "Execution inputs by reference").
 */
import type { $ZodType, output } from 'zod/v4/core';
import { periodsOf } from '#domain/calendar';
import type { CriteriaSet, DistrictConfig, Period, Person, Unit } from '#domain/model';
import { type Sender, senderOf } from '#mail/letter';
import { type CampaignHeader, PEOPLE_OF_ROLE, type PersonRole, type StoredPeriod } from '#ports/campaigns';
import { campaigns } from '#ports/dynamo/campaigns';
import { NotFoundError } from '#ports/errors';
import { type StepContext, type StepSpec, stepHandler } from './middleware.ts';

export interface CampaignContext {
  header: CampaignHeader;
  config: DistrictConfig;
  criteriaSets: readonly CriteriaSet[];
  /** Who the letters are from (the authority, the district, its time zone). */
  sender: Sender;
  /** The calendar's periods, in order. */
  periods: readonly Period[];
  units: readonly Unit[];
  findUnit(unitId: string): Unit | undefined;
  /** The unit, or NotFoundError. */
  unit(unitId: string): Unit;
  people(role: PersonRole): readonly Person[];
  findPerson(role: PersonRole, personId: string): Person | undefined;
  /** The person, or NotFoundError. */
  person(role: PersonRole, personId: string): Person;
  /** The period of the calendar, or NotFoundError. */
  period(periodId: string): Period;
  criteriaSet(setId: string): CriteriaSet | undefined;
}

const contexts = new WeakMap<object, CampaignContext>();

function contextOf(
  header: CampaignHeader,
  config: DistrictConfig,
  criteriaSets: CriteriaSet[],
): CampaignContext {
  const units = new Map(config.units.map((u) => [u.id, u]));
  const periods = periodsOf(config);
  const periodById = new Map(periods.map((p) => [p.id, p]));
  const people = (role: PersonRole) => config[PEOPLE_OF_ROLE[role]];
  const findPerson = (role: PersonRole, personId: string) => people(role).find((p) => p.id === personId);
  return {
    header,
    config,
    criteriaSets,
    sender: senderOf(config),
    periods,
    units: config.units,
    findUnit: (unitId) => units.get(unitId),
    unit: (unitId) => {
      const unit = units.get(unitId);
      if (!unit) throw new NotFoundError('unit', unitId);
      return unit;
    },
    people,
    findPerson,
    person: (role, personId) => {
      const person = findPerson(role, personId);
      if (!person) throw new NotFoundError(role, personId);
      return person;
    },
    period: (periodId) => {
      const period = periodById.get(periodId);
      if (!period) throw new NotFoundError('period', periodId);
      return period;
    },
    criteriaSet: (setId) => criteriaSets.find((s) => s.id === setId),
  };
}

async function contextFor(header: CampaignHeader): Promise<CampaignContext> {
  const stored = await campaigns().getCampaign(header);
  let context = contexts.get(stored);
  if (!context) {
    context = contextOf(stored.header, stored.config, stored.criteriaSets);
    contexts.set(stored, context);
  }
  return context;
}

/** The campaign stored now, or undefined before the first launch. */
export async function findCampaign(): Promise<CampaignContext | undefined> {
  const header = await campaigns().getHeader();
  return header ? contextFor(header) : undefined;
}

/** The campaign stored now, or NotFoundError. */
export async function loadCampaign(): Promise<CampaignContext> {
  const campaign = await findCampaign();
  if (!campaign) throw new NotFoundError('campaign', 'CAMPAIGN');
  return campaign;
}

/**
 * The campaign of a launch execution's version: `superseded` when a newer version was stored
 * since (that version's own launch does the work); NotFoundError when the version was never stored.
 */
export async function loadCampaignVersion(
  version: number,
): Promise<{ superseded: true; header: CampaignHeader } | { superseded: false; campaign: CampaignContext }> {
  let header = await campaigns().getHeader();
  if (!header || header.version < version) header = await campaigns().getHeader({ consistent: true });
  if (!header || header.version < version) throw new NotFoundError('campaign version', String(version));
  if (header.version > version) return { superseded: true, header };
  return { superseded: false, campaign: await contextFor(header) };
}

/** A period with its stored status (`scheduled` until a step opens it). */
export async function storedPeriod(campaign: CampaignContext, periodId: string): Promise<StoredPeriod> {
  const period = campaign.period(periodId);
  return { period, ...(await campaigns().getPeriodStatus(periodId)) };
}

/** Every period of the calendar with its stored status, in calendar order. */
export async function storedPeriods(campaign: CampaignContext): Promise<StoredPeriod[]> {
  const statuses = await campaigns().listPeriodStatuses();
  return campaign.periods.map((period) => ({
    period,
    ...(statuses.get(period.id) ?? { status: 'scheduled' }),
  }));
}

export interface CampaignStepContext extends StepContext {
  readonly campaign: CampaignContext;
}

/** A step that reads the campaign: `stepHandler` whose context carries it (read once per invocation). */
export function campaignStep<S extends $ZodType, R>(
  spec: StepSpec<S>,
  fn: (input: output<S>, ctx: CampaignStepContext) => Promise<R>,
) {
  return stepHandler(spec, async (input, ctx) => fn(input, { ...ctx, campaign: await loadCampaign() }));
}
