/**
 * Storing a district's campaign from its config, re-entrant: the launch workflow's StoreCampaign
 * step calls it again after a restart, and nothing is done twice.
 */
import { periodsOf } from '#domain/calendar';
import {
  ConfigError,
  type ConfigProblem,
  checkCriteriaSet,
  checkDistrictConfig,
  inFile,
} from '#domain/config';
import type { CriteriaSet, DistrictConfig, Period } from '#domain/model';
import { ConflictError, type Store } from '#ports/store';

// ---------------------------------------------------------------- storing the campaign

/*
 * The domain's validators read files, where points are decimals (8.5); stored and passed-around
 * configs carry integer hundredths (850). To validate a config again, its points are written back
 * as decimals first, so every check (maxima adding up, caps, dates, reviewers outside each unit…)
 * runs unchanged and a problem names the field. A non-integer number of hundredths becomes a
 * value with too many decimals, which the check reports.
 */
const asFileDecimal = (points: unknown): unknown => (typeof points === 'number' ? points / 100 : points);

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Maps a list when it is one; anything malformed passes through for the schema to report. */
const mapList = (v: unknown, f: (item: unknown) => unknown): unknown => (Array.isArray(v) ? v.map(f) : v);

function criterionAsFile(c: unknown): unknown {
  if (!isObject(c)) return c;
  return {
    ...c,
    max: asFileDecimal(c.max),
    ...(c.children !== undefined ? { children: mapList(c.children, criterionAsFile) } : {}),
  };
}

function criteriaSetAsFile(set: unknown): unknown {
  if (!isObject(set)) return set;
  return {
    ...set,
    max: asFileDecimal(set.max),
    ...(set.bonusCap !== undefined ? { bonusCap: asFileDecimal(set.bonusCap) } : {}),
    ...(set.penaltyCap !== undefined ? { penaltyCap: asFileDecimal(set.penaltyCap) } : {}),
    areas: mapList(set.areas, (a) =>
      isObject(a) ? { ...a, max: asFileDecimal(a.max), criteria: mapList(a.criteria, criterionAsFile) } : a,
    ),
  };
}

function configAsFile(config: unknown): unknown {
  if (!isObject(config) || !isObject(config.groups)) return config;
  const groups = Object.fromEntries(
    Object.entries(config.groups).map(([g, s]) => [
      g,
      isObject(s)
        ? {
            ...s,
            ...(s.bonusCap !== undefined ? { bonusCap: asFileDecimal(s.bonusCap) } : {}),
            ...(s.penaltyCap !== undefined ? { penaltyCap: asFileDecimal(s.penaltyCap) } : {}),
          }
        : s,
    ]),
  );
  return { ...config, groups };
}

/**
 * Validates a config and its criteria sets again (as the launch input arrives from outside) and
 * returns them as the domain types; throws ConfigError listing every problem (file `config` or
 * `criteria/<id>`, with the field path).
 */
export function validateCampaign(
  config: DistrictConfig,
  criteriaSets: readonly CriteriaSet[],
  now: Date,
): { config: DistrictConfig; criteriaSets: CriteriaSet[] } {
  const problems: ConfigProblem[] = [];
  const sets: CriteriaSet[] = [];
  const reportedSetIds = new Set<string>();
  if (!Array.isArray(criteriaSets)) {
    throw new ConfigError([
      {
        file: 'criteria',
        path: '',
        message: 'phải là một danh sách bộ tiêu chí (must be a list of criteria sets)',
      },
    ]);
  }
  criteriaSets.forEach((set: unknown, i) => {
    const id = isObject(set) && typeof set.id === 'string' ? set.id : `#${i}`;
    const r = checkCriteriaSet(criteriaSetAsFile(set));
    if (r.value) sets.push(r.value);
    else {
      reportedSetIds.add(id);
      problems.push(...inFile(`criteria/${id}`, r.problems));
    }
  });
  const r = checkDistrictConfig(configAsFile(config), sets, { now, reportedSetIds });
  problems.unshift(...inFile('config', r.problems));
  if (problems.length > 0 || !r.value) throw new ConfigError(problems);
  const referenced = new Set(Object.values(r.value.groups).flatMap((g) => g.criteriaSets));
  return { config: r.value, criteriaSets: sets.filter((s) => referenced.has(s.id)) };
}

export interface StoreCampaignResult {
  /** The stored campaign's version (1 on the first store). */
  version: number;
  /** False when the same content was stored before (nothing changed). */
  changed: boolean;
  periods: Period[];
}

/**
 * Validates and stores the campaign: criteria sets, units and people (the store projects them
 * from the config), then the periods of its calendar (new ones `scheduled`, existing ones keep
 * their status and counters). Storing the same config again changes nothing.
 */
export async function storeCampaign(
  store: Store,
  config: DistrictConfig,
  criteriaSets: readonly CriteriaSet[],
  now: Date,
): Promise<StoreCampaignResult> {
  const valid = validateCampaign(config, criteriaSets, now);
  let stored: { version: number; changed: boolean } | undefined;
  for (let attempt = 0; !stored; attempt++) {
    const existing = await store.getCampaign();
    try {
      stored = await store.putCampaign(valid, existing?.version ?? 0);
    } catch (err) {
      // Another launch stored a version meanwhile: store over the newest one (the last launch wins).
      if (!(err instanceof ConflictError) || err.reason !== 'version' || attempt >= 2) throw err;
    }
  }
  const periods = periodsOf(valid.config);
  await store.putPeriods(periods);
  return { ...stored, periods };
}
