/**
 * Reading a synthesized CloudFormation template for the local runtime: every intrinsic
 * (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, …) is flattened to the value the resource has
 * locally — a function is `arn:aws:lambda:local:000000000000:function:<LogicalId>`, a table is
 * named by its `TableName` or else its logical id, a state machine's ARN carries its local name.
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
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Parameters?: Record<string, { Default?: unknown; [other: string]: unknown }>;
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
  return m ? m[1]! : (arnOrName.split(':')[0] ?? arnOrName);
}

export interface ResolverOptions {
  stackName: string;
  /** Local names of state machines by logical id (their ARN is derived from it). */
  stateMachineNames?: ReadonlyMap<string, string>;
  /**
   * Values to use instead of the derived ones, keyed by `LogicalId` (for `Ref`),
   * `LogicalId.Attribute` (for `Fn::GetAtt`) or `ResourceType.Attribute` (for every resource of
   * that type), e.g. `{ 'AWS::ApiGatewayV2::Api.ApiEndpoint': 'http://127.0.0.1:8080' }`.
   */
  overrides?: Readonly<Record<string, string>>;
}

/** Marks a value removed by `AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');

export class TemplateResolver {
  private readonly resources: Record<string, CfnResource>;
  private readonly resolving = new Set<string>();

  constructor(
    readonly template: CfnTemplate,
    private readonly options: ResolverOptions,
  ) {
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

  /** Flattens every intrinsic inside `value` (deeply); `AWS::NoValue` removes the key. */
  flatten(value: unknown): unknown {
    const v = this.walk(value);
    return v === NO_VALUE ? undefined : v;
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
    const pseudo = this.pseudo(logicalId);
    if (pseudo !== undefined) return pseudo;
    const override = this.options.overrides?.[logicalId];
    if (override !== undefined) return override;
    const param = this.template.Parameters?.[logicalId];
    if (param) {
      if (param.Default === undefined) throw new Error(`Template parameter ${logicalId} has no default`);
      return String(param.Default);
    }
    const r = this.resource(logicalId);
    switch (r.Type) {
      case 'AWS::Lambda::Function':
        return logicalId;
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(this.stateMachineName(logicalId));
      case 'AWS::SQS::Queue':
        return `http://sqs.${LOCAL_REGION}.localhost/${LOCAL_ACCOUNT}/${this.nameProp(logicalId, 'QueueName')}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${this.nameProp(logicalId, 'TopicName')}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${this.nameProp(logicalId, 'Name')}`;
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
    const name = this.localName(logicalId);
    const region = LOCAL_REGION;
    const account = LOCAL_ACCOUNT;
    const arnByType: Record<string, () => string> = {
      'AWS::Lambda::Function': () => lambdaArn(logicalId),
      'AWS::StepFunctions::StateMachine': () => stateMachineArn(this.stateMachineName(logicalId)),
      'AWS::DynamoDB::Table': () => `arn:aws:dynamodb:${region}:${account}:table/${name}`,
      'AWS::SQS::Queue': () => `arn:aws:sqs:${region}:${account}:${name}`,
      'AWS::SNS::Topic': () => `arn:aws:sns:${region}:${account}:${name}`,
      'AWS::IAM::Role': () => `arn:aws:iam::${account}:role/${name}`,
      'AWS::Scheduler::ScheduleGroup': () => `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`,
      'AWS::Scheduler::Schedule': () => {
        const group = r.Properties?.GroupName ? this.flattenToString(r.Properties.GroupName) : 'default';
        return `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}`;
      },
      'AWS::Logs::LogGroup': () => `arn:aws:logs:${region}:${account}:log-group:${name}:*`,
      'AWS::KMS::Key': () => `arn:aws:kms:${region}:${account}:key/${name}`,
      'AWS::SecretsManager::Secret': () => this.ref(logicalId),
      'AWS::SSM::Parameter': () => `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`,
    };
    switch (`${r.Type}.${attribute}`) {
      case 'AWS::StepFunctions::StateMachine.Name':
        return this.stateMachineName(logicalId);
      case 'AWS::DynamoDB::Table.StreamArn':
        return `arn:aws:dynamodb:${region}:${account}:table/${name}/stream/local`;
      case 'AWS::SQS::Queue.QueueName':
      case 'AWS::SNS::Topic.TopicName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(logicalId);
      case 'AWS::IAM::Role.RoleId':
        return `LOCALROLE${logicalId.toUpperCase()}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `http://${logicalId}.localhost`;
    }
    if (attribute === 'Arn') {
      const arn = arnByType[r.Type];
      if (arn) return arn();
      const [, service = 'unknown', kind = 'resource'] = r.Type.toLowerCase().split('::');
      return `arn:aws:${service}:${region}:${account}:${kind}/${name}`;
    }
    return `${name}.${attribute}`;
  }

  /** The local physical name of a resource: its literal name property, else its logical id. */
  localName(logicalId: string): string {
    const r = this.resource(logicalId);
    const prop = NAME_PROPERTIES[r.Type];
    if (r.Type === 'AWS::StepFunctions::StateMachine') return this.stateMachineName(logicalId);
    if (r.Type === 'AWS::Lambda::Function') return logicalId;
    return prop ? this.nameProp(logicalId, prop) : logicalId;
  }

  stateMachineName(logicalId: string): string {
    const name = this.options.stateMachineNames?.get(logicalId);
    if (name) return name;
    const literal = this.resource(logicalId).Properties?.StateMachineName;
    return literal === undefined ? logicalId : this.flattenToString(literal, `${logicalId}.StateMachineName`);
  }

  private nameProp(logicalId: string, prop: string): string {
    const value = this.resource(logicalId).Properties?.[prop];
    if (value === undefined) return logicalId;
    if (this.resolving.has(logicalId)) throw new Error(`Circular name reference through ${logicalId}`);
    this.resolving.add(logicalId);
    try {
      return this.flattenToString(value, `${logicalId}.${prop}`);
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.options.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${this.options.stackName}/local`;
      default:
        return undefined;
    }
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.walk(v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const key = keys[0]!;
      if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') {
        return this.intrinsic(key, obj[key]);
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const v = this.walk(obj[key]);
      if (v !== NO_VALUE) out[key] = v;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref': {
        if (arg === 'AWS::NoValue') return NO_VALUE;
        if (arg === 'AWS::NotificationARNs') return [];
        return this.ref(String(arg));
      }
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.getAtt(id!, attr.join('.'));
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown];
        const items = this.walk(list);
        if (!Array.isArray(items)) throw new Error(`Fn::Join needs a list: ${JSON.stringify(arg)}`);
        return items.map((i) => this.scalar(i, 'Fn::Join')).join(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.walk(list);
        const i = Number(this.walk(index));
        if (!Array.isArray(items) || items[i] === undefined) {
          throw new Error(`Fn::Select out of range: ${JSON.stringify(arg)}`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, str] = arg as [string, unknown];
        return this.scalar(this.walk(str), 'Fn::Split').split(sep);
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalar(this.walk(arg), 'Fn::Base64')).toString('base64');
      case 'Fn::GetAZs':
        return [`${LOCAL_REGION}a`, `${LOCAL_REGION}b`];
      case 'Fn::ToJsonString':
        return JSON.stringify(this.flatten(arg));
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((a) => this.scalar(this.walk(a), 'Fn::FindInMap'));
        const v = this.template.Mappings?.[map!]?.[top!]?.[second!];
        if (v === undefined) throw new Error(`Fn::FindInMap: no ${map}.${top}.${second} in the template`);
        return this.walk(v);
      }
      case 'Fn::If': {
        const [cond, yes, no] = arg as [string, unknown, unknown];
        return this.walk(this.condition(cond) ? yes : no);
      }
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map((x) => this.walk(x));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !this.truthy((arg as unknown[])[0]);
      case 'Fn::And':
        return (arg as unknown[]).every((x) => this.truthy(x));
      case 'Fn::Or':
        return (arg as unknown[]).some((x) => this.truthy(x));
      default:
        throw new Error(`The local runtime cannot flatten ${fn}: ${JSON.stringify(arg)}`);
    }
  }

  private truthy(x: unknown): boolean {
    const v = this.walk(x);
    return v === true || v === 'true';
  }

  private condition(name: string): boolean {
    const c = this.template.Conditions?.[name];
    if (c === undefined) throw new Error(`The template has no condition ${name}`);
    return this.truthy(c);
  }

  private sub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return text.replace(/\$\{(!?)([^}]*)\}/g, (_, bang: string, expr: string) => {
      if (bang) return `\${${expr}}`;
      if (expr in vars) return this.scalar(this.walk(vars[expr]), 'Fn::Sub');
      const dot = expr.indexOf('.');
      if (dot > 0 && !expr.startsWith('AWS::')) return this.getAtt(expr.slice(0, dot), expr.slice(dot + 1));
      return this.ref(expr);
    });
  }

  private scalar(v: unknown, where: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(v)}`);
  }
}

/** The property that holds a resource's physical name, when CloudFormation lets you set it. */
const NAME_PROPERTIES: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::SSM::Parameter': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SES::ConfigurationSet': 'Name',
  'AWS::ApiGatewayV2::Api': 'Name',
};
