/**
 * The district's settings that handlers read from their environment besides the ports': where
 * the pages are served, and the state machines a handler starts.
 *
 * | variable | for |
 * |---|---|
 * | `BASE_URL` | where pages and signed links are served (`https://…`, no trailing `/`) |
 * | `<NAME>_STATE_MACHINE_ARN`, `STATE_MACHINE_ARNS` (a JSON map name → ARN) | starting named executions |
 * | `DISTRICT_SLUG` | which district a log line is about (functions/ports/log.ts) |
 */
import { requireEnv } from './aws.ts';

/** `BASE_URL` without a trailing slash. */
export function baseUrl(): string {
  const url = requireEnv('BASE_URL', 'where the pages and signed links are served').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url))
    throw new Error(`BASE_URL is not an http(s) URL: ${url}`);
  return url;
}

/** A state machine's ARN by workflow name (`review`, `scoring`…); a clear error when not configured. */
export function stateMachineArn(name: string): string {
  const single = process.env[`${name.toUpperCase()}_STATE_MACHINE_ARN`]?.trim();
  if (single) return single;
  const map = process.env.STATE_MACHINE_ARNS?.trim();
  if (map) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(map);
    } catch {
      throw new Error('STATE_MACHINE_ARNS is not a JSON object of name → ARN');
    }
    const arn =
      typeof parsed === 'object' && parsed !== null
        ? Object.entries(parsed).find(([k]) => k === name)?.[1]
        : undefined;
    if (typeof arn === 'string' && arn) return arn;
  }
  throw new Error(
    `No ARN configured for the ${name} state machine: set ${name.toUpperCase()}_STATE_MACHINE_ARN or STATE_MACHINE_ARNS`,
  );
}
