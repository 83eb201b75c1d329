/**
 * Reading a synthesized CloudFormation template for the local runtime: the intrinsics the
 * district stack puts where the runtime reads (state machine definitions, function environments,
 * schedules, tables) — `Ref`, `Fn::GetAtt`, `Fn::Join` and the pseudo parameters — are flattened
 * to the value the resource has locally: a function is
 * `arn:aws:lambda:local:000000000000:function:<LogicalId>`, a table is named by its `TableName`
 * or else its logical id, a state machine's ARN carries its local name. Any other intrinsic is
 * refused with its name, so a stack that starts using one fails at start, not with a wrong value.
 */

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [other: string]: unknown;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  [other: string]: unknown;
}

export function lambdaArn(logicalId: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
}

export function stateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function executionArn(stateMachineName: string, executionName: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachineName}:${executionName}`;
}

/** The function name in a Lambda ARN (or a bare name), without any `:qualifier`. */
export function functionNameOf(arnOrName: string): string {
  const m = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::.*)?$/.exec(arnOrName);
  return m?.[1] ?? arnOrName.split(':')[0] ?? arnOrName;
}

export interface ResolverOptions {
  /** Local names of state machines by logical id (their ARN is derived from it). */
  stateMachineNames?: ReadonlyMap<string, string>;
  /**
   * Values to use instead of the derived ones, keyed by `LogicalId` (for `Ref`),
   * `LogicalId.Attribute` (for `Fn::GetAtt`) or `ResourceType.Attribute` (for every resource of
   * that type), e.g. `{ 'AWS::ApiGatewayV2::Api.ApiEndpoint': 'http://127.0.0.1:8080' }`.
   */
  overrides?: Readonly<Record<string, string>>;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The property that holds a resource's physical name, for the resources whose name the runtime uses. */
const NAME_PROPERTIES: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SES::ConfigurationSet': 'Name',
};

export class TemplateResolver {
  private readonly resources: Record<string, CfnResource>;
  private readonly resolving = new Set<string>();
  readonly template: CfnTemplate;
  private readonly options: ResolverOptions;

  constructor(template: CfnTemplate, options: ResolverOptions = {}) {
    this.template = template;
    this.options = options;
    this.resources = template.Resources ?? {};
  }

  resource(logicalId: string): CfnResource {
    const r = this.resources[logicalId];
    if (!r) throw new Error(`The template has no resource ${logicalId}`);
    return r;
  }

  resourcesOfType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /** Flattens every intrinsic inside `value` (deeply). */
  flatten(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.flatten(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.flatten(v)]));
  }

  /** Flattens `value`, which must come out as a string. */
  flattenToString(value: unknown, what = 'value'): string {
    const v = this.flatten(value);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`${what} does not flatten to a string: ${JSON.stringify(value)}`);
  }

  /** The local value of `{ Ref: logicalId }`. */
  ref(logicalId: string): string {
    const pseudo = PSEUDO_PARAMETERS[logicalId];
    if (pseudo !== undefined) return pseudo;
    const override = this.options.overrides?.[logicalId];
    if (override !== undefined) return override;
    const r = this.resource(logicalId);
    switch (r.Type) {
      case 'AWS::Lambda::Function':
        return logicalId;
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(this.stateMachineName(logicalId));
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${this.localName(logicalId)}`;
      case 'AWS::S3::Bucket':
        return localBucketName(this.localName(logicalId));
      default:
        return this.localName(logicalId);
    }
  }

  /** The local value of `{ 'Fn::GetAtt': [logicalId, attribute] }`. */
  getAtt(logicalId: string, attribute: string): string {
    const r = this.resource(logicalId);
    const override =
      this.options.overrides?.[`${logicalId}.${attribute}`] ??
      this.options.overrides?.[`${r.Type}.${attribute}`];
    if (override !== undefined) return override;
    if (r.Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiEndpoint')
      return `http://${logicalId}.localhost`;
    if (attribute !== 'Arn') {
      throw new Error(`The local runtime has no value for Fn::GetAtt ${logicalId}.${attribute} (${r.Type})`);
    }
    const name = this.localName(logicalId);
    switch (r.Type) {
      case 'AWS::Lambda::Function':
        return lambdaArn(logicalId);
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(name);
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
      default: {
        const [, service = 'unknown', kind = 'resource'] = r.Type.toLowerCase().split('::');
        return `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${kind}/${name}`;
      }
    }
  }

  /** The local physical name of a resource: its literal name property, else its logical id. */
  localName(logicalId: string): string {
    const r = this.resource(logicalId);
    if (r.Type === 'AWS::StepFunctions::StateMachine') return this.stateMachineName(logicalId);
    const prop = NAME_PROPERTIES[r.Type];
    const value = prop === undefined ? undefined : r.Properties?.[prop];
    if (value === undefined) return logicalId;
    if (this.resolving.has(logicalId)) throw new Error(`Circular name reference through ${logicalId}`);
    this.resolving.add(logicalId);
    try {
      return this.flattenToString(value, `${logicalId}.${prop}`);
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  stateMachineName(logicalId: string): string {
    const name = this.options.stateMachineNames?.get(logicalId);
    if (name) return name;
    const literal = this.resource(logicalId).Properties?.StateMachineName;
    return literal === undefined ? logicalId : this.flattenToString(literal, `${logicalId}.StateMachineName`);
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id = '', ...attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.getAtt(id, attribute.join('.'));
      }
      case 'Fn::Join': {
        const [separator, list] = Array.isArray(arg) ? arg : [];
        const items = this.flatten(list);
        if (typeof separator !== 'string' || !Array.isArray(items)) {
          throw new Error(`Fn::Join needs a separator and a list: ${JSON.stringify(arg)}`);
        }
        return items.map((i) => this.scalar(i)).join(separator);
      }
      default:
        throw new Error(`The local runtime cannot flatten ${fn}: ${JSON.stringify(arg)}`);
    }
  }

  private scalar(v: unknown): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`Fn::Join: expected a string, got ${JSON.stringify(v)}`);
  }
}

/** A bucket's local name: its logical id as S3 allows a name (lower case, at most 63 characters). */
export function localBucketName(name: string): string {
  return name.toLowerCase().slice(0, 63);
}
