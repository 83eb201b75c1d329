/**
 * The callbacks port over Step Functions: deliver a person's decision to the task waiting for it,
 * report an error to it, and start named executions. The same `SFNClient` talks to AWS or, with
 * `AWS_ENDPOINT_URL_SFN`, to the local Step Functions endpoint. A call that fails transiently is
 * made again; a callback whose earlier request may have landed and whose task is then gone was
 * delivered by that request (its answer was lost).
 */
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { region, sharedClient } from './aws.ts';
import { provide } from './registry.ts';
import { reissue, wasUncertain } from './transient.ts';

/** Errors meaning the waiting task no longer exists: retrying cannot help. */
export const TASK_GONE_ERRORS: readonly string[] = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

/** Step Functions' limits on a task's output and an execution's name. */
const MAX_OUTPUT_BYTES = 256 * 1024;
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export type DeliveryResult = 'delivered' | 'task-gone';

export interface Callbacks {
  /**
   * `SendTaskSuccess` with the decision as the task's output. 'task-gone' when the task timed out,
   * the token is invalid or the task does not exist; throws on anything else (transient: the
   * decision stays recorded and the sweep re-sends it).
   */
  sendDecision(taskToken: string, output: unknown): Promise<DeliveryResult>;
  /** `SendTaskFailure` (for errors only, never for a human outcome). Same results as sendDecision. */
  sendFailure(taskToken: string, error: string, cause: string): Promise<DeliveryResult>;
  /** `StartExecution` with a stable name; an execution of that name already existing is success. */
  startExecution(
    stateMachineArn: string,
    name: string,
    input: unknown,
  ): Promise<'started' | 'already-exists'>;
}

function errorName(err: unknown): string {
  return (err as { name?: string } | null)?.name ?? '';
}

export class SfnCallbacks implements Callbacks {
  private readonly client?: SFNClient;
  constructor(client?: SFNClient) {
    this.client = client;
  }

  private sfn(): SFNClient {
    return this.client ?? sharedClient('sfn', () => new SFNClient({ region: region() }));
  }

  async sendDecision(taskToken: string, output: unknown): Promise<DeliveryResult> {
    const json = JSON.stringify(output ?? {});
    if (Buffer.byteLength(json) > MAX_OUTPUT_BYTES) {
      throw new Error(`Decision output is ${Buffer.byteLength(json)} bytes, over Step Functions' 256 KB`);
    }
    return this.settle(() => this.sfn().send(new SendTaskSuccessCommand({ taskToken, output: json })));
  }

  private async settle(call: () => Promise<unknown>): Promise<DeliveryResult> {
    try {
      await reissue(call);
      return 'delivered';
    } catch (err) {
      if (!TASK_GONE_ERRORS.includes(errorName(err))) throw err;
      return wasUncertain(err) ? 'delivered' : 'task-gone';
    }
  }

  async sendFailure(taskToken: string, error: string, cause: string): Promise<DeliveryResult> {
    return this.settle(() =>
      this.sfn().send(
        new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }),
      ),
    );
  }

  async startExecution(
    stateMachineArn: string,
    name: string,
    input: unknown,
  ): Promise<'started' | 'already-exists'> {
    if (!EXECUTION_NAME.test(name)) {
      throw new Error(`Execution name ${JSON.stringify(name)} must be 1–80 characters of [A-Za-z0-9_-]`);
    }
    try {
      await reissue(() =>
        this.sfn().send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input ?? {}) }),
        ),
      );
      return 'started';
    } catch (err) {
      if (errorName(err) === 'ExecutionAlreadyExists') return 'already-exists';
      throw err;
    }
  }
}

/** The container's callbacks port (Step Functions, or the local endpoint through `AWS_ENDPOINT_URL_SFN`). */
export const callbacks = provide<Callbacks>('callbacks', () => new SfnCallbacks());
