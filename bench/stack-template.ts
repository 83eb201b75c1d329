/**
 * What a district stack costs before anyone uses it, read from its synthesized CloudFormation
 * template (plain JSON, so this module depends on no construct of infra/): alarms and the metrics
 * they are billed for, secrets, customer-managed KMS keys, SSM parameters by tier, recurring
 * schedules and what they invoke, functions' memory and architecture, tables' indexes and backups,
 * log retention, custom metrics, dashboards. Resource types that cost nothing while idle are
 * listed as such; any other type is reported as not priced, so nothing is left out silently.
 */

export type Architecture = 'arm64' | 'x86_64';

export interface FunctionConfig {
  /** Logical id, e.g. `Sweep576358E8`. */
  id: string;
  memoryMB: number;
  architecture: Architecture;
  tracing: boolean;
}

export interface AlarmCost {
  id: string;
  /** Metrics the alarm is billed for: each metric a math expression reads counts. */
  metrics: number;
  highResolution: boolean;
}

export interface RecurringSchedule {
  id: string;
  expression: string;
  runsPerYear: number;
  /** The function it invokes, when its target is a function of this template. */
  target?: FunctionConfig;
}

export interface TableConfig {
  id: string;
  /** Global and local secondary indexes. */
  indexes: number;
  pitr: boolean;
}

export interface StackInventory {
  alarms: AlarmCost[];
  compositeAlarms: string[];
  dashboards: string[];
  secrets: string[];
  kmsKeys: string[];
  parameters: { id: string; tier: 'Standard' | 'Advanced' }[];
  recurringSchedules: RecurringSchedule[];
  functions: FunctionConfig[];
  tables: TableConfig[];
  stateMachines: { id: string; type: 'STANDARD' | 'EXPRESS'; tracing: boolean }[];
  logGroups: { id: string; retentionDays?: number }[];
  buckets: string[];
  /** Distinct custom metrics: metric filters' metrics and alarmed metrics outside `AWS/…`. */
  customMetrics: string[];
  /** Resource types neither priced here nor known to be free while idle, with their counts. */
  unpriced: { type: string; count: number }[];
}

/** Types that cost nothing while idle (their usage, if any, is priced from counted usage). */
const IDLE_FREE = new Set([
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::CDK::Metadata',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::IAM::ManagedPolicy',
  'AWS::KMS::Alias',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::LayerVersion',
  'AWS::Lambda::Permission',
  'AWS::Lambda::Url',
  'AWS::Logs::ResourcePolicy',
  'AWS::S3::BucketPolicy',
  'AWS::Scheduler::ScheduleGroup',
  'AWS::SES::ConfigurationSet',
  'AWS::SES::ConfigurationSetEventDestination',
  'AWS::SES::EmailIdentity',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
]);

/** Types this module prices or reads. */
const READ = new Set([
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::Logs::MetricFilter',
  'AWS::S3::Bucket',
  'AWS::Scheduler::Schedule',
  'AWS::SecretsManager::Secret',
  'AWS::SSM::Parameter',
  'AWS::StepFunctions::StateMachine',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
function referencedId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

const MINUTES_PER_YEAR = 365 * 24 * 60;
const RATE_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 1440 };

/** Values a cron field takes within lo..hi: `*`, `?`, `n`, `a-b`, `a/n`, `*` + `/n`, lists. */
function cronField(field: string, lo: number, hi: number, names: readonly string[] = []): number {
  if (field === '*' || field === '?') return hi - lo + 1;
  const value = (t: string) => {
    const i = names.indexOf(t.toUpperCase());
    const n = i >= 0 ? i + lo : Number(t);
    if (!Number.isInteger(n) || n < lo || n > hi)
      throw new Error(`cron field "${field}": "${t}" not understood`);
    return n;
  };
  const seen = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron field "${field}": bad step`);
    const [from, to] =
      range === '*'
        ? [lo, hi]
        : range.includes('-')
          ? range.split('-').map(value)
          : [value(range), stepText ? hi : value(range)];
    for (let n = from ?? lo; n <= (to ?? hi); n += step) seen.add(n);
  }
  return seen.size;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Runs a year of a schedule expression: `rate(5 minutes)` → 105,120; `cron(0 * * * ? *)` →
 * 8,760; a one-time `at(…)` → 0 (priced with the usage that created it). Cron's `L`, `W` and `#`
 * are refused rather than guessed.
 */
export function runsPerYear(expression: string): number {
  const e = expression.trim();
  if (/^at\(/.test(e)) return 0;
  const rate = /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(e);
  if (rate) return MINUTES_PER_YEAR / (Number(rate[1]) * (RATE_MINUTES[rate[2] ?? ''] ?? Number.NaN));
  const cron = /^cron\((.+)\)$/.exec(e);
  const fields = cron?.[1]?.trim().split(/\s+/) ?? [];
  // `L`, `W` and `#` (last, nearest weekday, nth weekday) in the day fields; `WED`, `JUL` are names.
  const special = (f: string | undefined) =>
    /[LW#]/.test(WEEKDAYS.reduce((t, n) => t.replaceAll(n, ''), f ?? ''));
  if (fields.length !== 6 || special(fields[2]) || special(fields[4])) {
    throw new Error(`schedule expression not understood: ${expression} (pass its runs per year instead)`);
  }
  const [minutes = '', hours = '', dom = '', month = '', dow = ''] = fields;
  const perDay = cronField(minutes, 0, 59) * cronField(hours, 0, 23);
  const months = cronField(month, 1, 12, MONTHS);
  let days: number;
  if ((dom === '*' || dom === '?') && (dow === '*' || dow === '?')) days = (365 * months) / 12;
  else if (dom === '?' || dom === '*') days = (cronField(dow, 1, 7, WEEKDAYS) * 52 * months) / 12;
  else days = cronField(dom, 1, 31) * months;
  return perDay * days;
}

function functionConfig(id: string, p: Json): FunctionConfig {
  const archs = Array.isArray(p.Architectures) ? p.Architectures : [];
  return {
    id,
    memoryMB: num(p.MemorySize) ?? 128, // Lambda's default
    architecture: archs.includes('arm64') ? 'arm64' : 'x86_64',
    tracing: isObject(p.TracingConfig) && p.TracingConfig.Mode === 'Active',
  };
}

function alarmCost(id: string, p: Json): AlarmCost {
  const stats = list(p.Metrics)
    .map((m) => m.MetricStat)
    .filter(isObject);
  if (stats.length > 0) {
    return { id, metrics: stats.length, highResolution: stats.some((s) => (num(s.Period) ?? 60) < 60) };
  }
  return { id, metrics: 1, highResolution: (num(p.Period) ?? 60) < 60 };
}

/** Custom metrics an alarm watches (namespaces outside `AWS/`), as `namespace/name{dimensions}`. */
function alarmedCustomMetrics(p: Json): string[] {
  const metrics = list(p.Metrics)
    .map((m) => (isObject(m.MetricStat) ? m.MetricStat.Metric : undefined))
    .filter(isObject);
  if (metrics.length === 0 && typeof p.MetricName === 'string') metrics.push(p);
  return metrics
    .filter((m) => typeof m.Namespace === 'string' && !m.Namespace.startsWith('AWS/'))
    .map((m) => `${String(m.Namespace)}/${String(m.MetricName)}${JSON.stringify(m.Dimensions ?? [])}`);
}

/** Reads a synthesized template (the JSON CloudFormation receives). */
export function readStackTemplate(template: unknown): StackInventory {
  const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
  const inv: StackInventory = {
    alarms: [],
    compositeAlarms: [],
    dashboards: [],
    secrets: [],
    kmsKeys: [],
    parameters: [],
    recurringSchedules: [],
    functions: [],
    tables: [],
    stateMachines: [],
    logGroups: [],
    buckets: [],
    customMetrics: [],
    unpriced: [],
  };
  const custom = new Set<string>();
  const unpriced = new Map<string, number>();
  const schedules: { id: string; p: Json }[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string') continue;
    const type = resource.Type;
    const p = isObject(resource.Properties) ? resource.Properties : {};
    if (type === 'AWS::CloudWatch::Alarm') {
      inv.alarms.push(alarmCost(id, p));
      for (const m of alarmedCustomMetrics(p)) custom.add(m);
    } else if (type === 'AWS::CloudWatch::CompositeAlarm') inv.compositeAlarms.push(id);
    else if (type === 'AWS::CloudWatch::Dashboard') inv.dashboards.push(id);
    else if (type === 'AWS::SecretsManager::Secret') inv.secrets.push(id);
    else if (type === 'AWS::KMS::Key') inv.kmsKeys.push(id);
    else if (type === 'AWS::SSM::Parameter') {
      inv.parameters.push({ id, tier: p.Tier === 'Advanced' ? 'Advanced' : 'Standard' });
    } else if (type === 'AWS::Lambda::Function') inv.functions.push(functionConfig(id, p));
    else if (type === 'AWS::Scheduler::Schedule') schedules.push({ id, p });
    else if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable') {
      const pitr = isObject(p.PointInTimeRecoverySpecification)
        ? p.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled === true
        : list(p.Replicas).some(
            (r) =>
              isObject(r.PointInTimeRecoverySpecification) &&
              r.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled === true,
          );
      const indexes = list(p.GlobalSecondaryIndexes).length + list(p.LocalSecondaryIndexes).length;
      inv.tables.push({ id, indexes, pitr });
    } else if (type === 'AWS::StepFunctions::StateMachine') {
      inv.stateMachines.push({
        id,
        type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
        tracing: isObject(p.TracingConfiguration) && p.TracingConfiguration.Enabled === true,
      });
    } else if (type === 'AWS::Logs::LogGroup') {
      const retentionDays = num(p.RetentionInDays);
      inv.logGroups.push(retentionDays === undefined ? { id } : { id, retentionDays });
    } else if (type === 'AWS::Logs::MetricFilter') {
      for (const t of list(p.MetricTransformations))
        custom.add(`${String(t.MetricNamespace)}/${String(t.MetricName)}`);
    } else if (type === 'AWS::S3::Bucket') inv.buckets.push(id);
    else if (!IDLE_FREE.has(type) && !READ.has(type) && !type.startsWith('Custom::')) {
      unpriced.set(type, (unpriced.get(type) ?? 0) + 1);
    }
  }
  for (const { id, p } of schedules) {
    const expression = typeof p.ScheduleExpression === 'string' ? p.ScheduleExpression : '';
    const runs = runsPerYear(expression);
    if (runs === 0 || p.State === 'DISABLED') continue;
    const targetId = referencedId(isObject(p.Target) ? p.Target.Arn : undefined);
    const target = inv.functions.find((f) => f.id === targetId);
    inv.recurringSchedules.push({ id, expression, runsPerYear: runs, ...(target ? { target } : {}) });
  }
  inv.customMetrics = [...custom].sort();
  inv.unpriced = [...unpriced]
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => a.type.localeCompare(b.type));
  return inv;
}

/** A function of the template by logical id or by the construct id it starts with (`Sweep` → `Sweep576358E8`). */
export function findFunction(inventory: StackInventory, name: string): FunctionConfig | undefined {
  const exact = inventory.functions.find((f) => f.id === name);
  if (exact) return exact;
  const matches = inventory.functions.filter((f) => new RegExp(`^${name}[0-9A-F]{8}$`).test(f.id));
  return matches.length === 1 ? matches[0] : undefined;
}
