/**
 * Which failures of an AWS call are worth a new request, and which may have been applied anyway
 * (the request reached the service and its answer was lost). Shared by the table's calls and the
 * Step Functions callbacks.
 */

/** Requests of one call in all when each fails transiently (the SDK has retried each already). */
export const TRANSIENT_ATTEMPTS = 4;

const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

interface AwsError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A 5xx, throttling, or a connection that failed: another request may succeed. */
export function transientFailure(err: unknown): boolean {
  const e = err as AwsError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name !== undefined && THROTTLING.has(e.name)) return true;
  if (status !== undefined) return status >= 500;
  return (
    e.name === 'TimeoutError' ||
    (e.code !== undefined && (NOT_CONNECTED.has(e.code) || CONNECTION_LOST.has(e.code)))
  );
}

/** Whether the failed request may have been applied: a 5xx, a timeout or a connection lost mid-request. */
export function mayHaveApplied(err: unknown): boolean {
  const e = err as AwsError;
  if (e.name !== undefined && THROTTLING.has(e.name)) return false;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  return e.name === 'TimeoutError' || (e.code !== undefined && CONNECTION_LOST.has(e.code));
}

/**
 * `call()` made, and made again (a new request) while it fails transiently, `TRANSIENT_ATTEMPTS`
 * times in all. `uncertain`: an earlier request may have been applied; a final error carries it
 * as `$uncertain` so the caller can tell its own write from another's.
 */
export async function reissue<O>(call: () => Promise<O>): Promise<{ out: O; uncertain: boolean }> {
  let uncertain = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return { out: await call(), uncertain };
    } catch (err) {
      if (!transientFailure(err) || attempt >= TRANSIENT_ATTEMPTS) {
        if (uncertain && err instanceof Error) Object.assign(err, { $uncertain: true });
        throw err;
      }
      uncertain ||= mayHaveApplied(err);
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

/** Whether a failed `reissue` had an earlier request that may have been applied. */
export function wasUncertain(err: unknown): boolean {
  return (err as { $uncertain?: unknown } | null)?.$uncertain === true;
}
