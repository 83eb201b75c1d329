/**
 * JSON-lines logger that never prints what DESIGN.md forbids: task tokens, link signatures,
 * session cookies, report contents. Fields with a sensitive name are replaced whole; strings are
 * scrubbed of signature query parameters, bearer credentials and long opaque tokens.
 */

export const REDACTED = '[redacted]';

/** Field names (compared lower-case, without - and _) whose values are never printed. */
const SENSITIVE_KEYS = new Set(
  [
    // credentials
    'taskToken',
    'token',
    'sig',
    'signature',
    's',
    'cookie',
    'cookies',
    'set-cookie',
    'authorization',
    'secret',
    'secrets',
    'password',
    'sessionId',
    'session',
    // report and decision contents
    'report',
    'entries',
    'explanation',
    'explanations',
    'comment',
    'comments',
    'summary',
    'evidence',
    'achievements',
    'initiatives',
    'nominations',
    'payload',
    'decision',
    'doc',
    'decisionDoc',
    // email bodies carry signed links
    'body',
    'html',
    'text',
  ].map(normalise),
);

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

const STRING_SCRUBBERS: [RegExp, string][] = [
  // signature and token query parameters, in URLs and raw query strings
  [
    /(^|[?&;\s])((?:s|sig|signature|token|tasktoken|x-amz-signature|x-amz-security-token)=)[^&#\s"'<>]*/gi,
    `$1$2${REDACTED}`,
  ],
  // Authorization: Bearer …, and cookies written out in text
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b((?:__Host-)?thidua_session=)[^;\s"']*/g, `$1${REDACTED}`],
  // any long opaque run (task tokens, keys): nothing a person needs to read in a log
  [/[A-Za-z0-9+/_-]{100,}={0,2}/g, REDACTED],
];

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of STRING_SCRUBBERS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of `value` safe to log. Cycles and depth beyond 8 are cut. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  if (depth > 8) return '[depth]';
  seen.add(value);
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; $metadata?: { httpStatusCode?: number } };
    return {
      name: e.name,
      message: scrubString(e.message),
      ...(e.code !== undefined ? { code: String(e.code) } : {}),
      ...(e.$metadata?.httpStatusCode !== undefined ? { httpStatusCode: e.$metadata.httpStatusCode } : {}),
      ...(e.stack ? { stack: scrubString(e.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Map) return redact(Object.fromEntries(value), depth, seen);
  if (value instanceof Set) return redact([...value], depth, seen);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return REDACTED;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SENSITIVE_KEYS.has(normalise(k)) && v !== undefined && v !== null
        ? REDACTED
        : redact(v, depth + 1, seen);
  }
  return out;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line (e.g. the handler's name, the unit id). */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  /** Where lines go; defaults to stdout (errors and warnings to stderr). */
  write?: (line: string, level: LogLevel) => void;
  /** Lowest level printed; defaults to env LOG_LEVEL or `info`. */
  level?: LogLevel;
  base?: Record<string, unknown>;
}

function defaultWrite(line: string, level: LogLevel): void {
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? defaultWrite;
  const envLevel = process.env.LOG_LEVEL as LogLevel | undefined;
  const min = LEVELS[options.level ?? (envLevel && envLevel in LEVELS ? envLevel : 'info')];
  const base = options.base ?? {};
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const line = {
      level,
      time: new Date().toISOString(),
      msg: scrubString(message),
      ...(redact({ ...base, ...fields }) as Record<string, unknown>),
    };
    write(JSON.stringify(line), level);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** The process-wide logger. */
export const log: Logger = createLogger();

/** A handler's logger: which district (`DISTRICT_SLUG`) on every line, the level as configured now. */
export function handlerLogger(fields: Record<string, unknown> = {}): Logger {
  const district = process.env.DISTRICT_SLUG?.trim();
  return createLogger({ base: { ...(district ? { district } : {}), ...fields } });
}
