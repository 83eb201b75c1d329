/**
 * What the bundle smoke test (test/infra/bundles.test.ts) and the cold-start benchmark
 * (bench/cold-start.ts) ask each Lambda handler, and what it must answer: a clear `InvalidInput`
 * naming the field, a `NotFound` naming the missing period after the demo campaign is stored, a
 * 403 page for a forged link, the admin's sign-in email, the starter's execution on the local Step
 * Functions endpoint, the sweep's counts.
 *
 * Each handler's list ends with a case whose answer needs the emulators (a read or a write of the
 * table, a mail, an execution started): the cold-start benchmark times that one
 * (`reachingCase`), so a fresh process pays for its SDK clients as on a first Lambda invocation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { HandlerName } from '#infra/district-stack';

/** Where the links in the mails point (nothing is served there: the handlers are called directly). */
export const BASE_URL = 'https://thidua.song-lam.example.org';
/** A demo unit and period, and a period the demo calendar does not have. */
export const UNIT = 'phong-tu-phap';
export const PERIOD = '2022Q3';
export const NO_PERIOD = '2099Q1';
const NO_CYCLE = '2099';
export const ADMIN_EMAIL = 'huytq.noivu@song-lam.example.org';

// ---------------------------------------------------------------- what each handler is asked

/** What a handler must answer to one event. */
export type Expectation =
  /** Rejects with this error name (the Lambda `errorType`), its message naming each of `mentions`. */
  | { error: string; mentions: string[] }
  /** Resolves; `check` asserts the value. */
  | { returns: (value: unknown) => void }
  /** An HTTP page with this status, in Vietnamese, containing each of `mentions`. */
  | { status: number; mentions: string[] };

export interface Case {
  what: string;
  event: unknown;
  expect: Expectation;
}

export interface RunInfo {
  /** Names what a run creates (execution names), e.g. `node24`. */
  runtime: string;
  /** A link signed with the district's key for an approval that does not exist. */
  signedUnknownLink(action: string): Record<string, string>;
}

const invalid = (event: unknown, field: string): Case => ({
  what: `invalid input (${field})`,
  event,
  expect: { error: 'InvalidInput', mentions: [field] },
});
const notFound = (what: string, event: unknown, ...mentions: string[]): Case => ({
  what,
  event,
  expect: { error: 'NotFound', mentions },
});
/** The evidence calls answer the page's script in JSON: a refused link is 403 with the page's words. */
const evidenceRefusal = (call: 'presign' | 'verify', query: Record<string, string>, what: string): Case => ({
  what,
  event: httpEvent('POST', `/evidence/${call}`, { query, form: { key: 'x', fileName: 'a.pdf' } }),
  expect: {
    returns: (value) => {
      const answer = value as { statusCode: number; body: string };
      expect(answer.statusCode).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({
        status: 'refused',
        message: expect.stringContaining('liên kết trong email'),
      });
    },
  },
});
const roundOf = (periodId: string) => ({
  unitId: UNIT,
  periodId,
  reviewerId: 'khong-co-nguoi-nay',
  round: 1,
});
const TOKEN = 'bundle-smoke-token';

function httpEvent(
  method: 'GET' | 'HEAD' | 'POST',
  path: string,
  options: {
    query?: Record<string, string>;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
  } = {},
): unknown {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = {
    host: new URL(BASE_URL).host,
    'user-agent': 'bundles.test',
    ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', origin: BASE_URL } : {}),
    ...options.headers,
  };
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bundles',
      domainName: headers.host,
      domainPrefix: 'thidua',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'bundles.test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined
      ? { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

const forgedLink = (action: string) => ({
  k: 'k1',
  id: randomBytes(16).toString('base64url'),
  a: action,
  e: String(Math.floor(Date.now() / 1000) + 86_400),
  s: randomBytes(32).toString('base64url'),
});

/** Every handler of the stack (the `satisfies` makes a new one in HANDLERS a type error here). */
export const CASES = {
  // ------------------------------------------------ review steps
  assignReviewer: () => [
    invalid({ unitId: 'phòng tư pháp', periodId: PERIOD }, 'unitId'),
    notFound(
      'a unit that does not exist',
      { unitId: 'khong-co-don-vi-nay', periodId: PERIOD },
      'khong-co-don-vi-nay',
    ),
    notFound('a period that does not exist', { unitId: UNIT, periodId: NO_PERIOD }, NO_PERIOD),
  ],
  requestAppraisal: () => [
    invalid({ ...roundOf(PERIOD) }, 'taskToken'),
    notFound('a period that does not exist', { ...roundOf(NO_PERIOD), taskToken: TOKEN }, NO_PERIOD),
  ],
  remindWaiting: () => [
    invalid({ ...roundOf(PERIOD), kind: 'nhắc' }, 'kind'),
    notFound('a period that does not exist', { ...roundOf(NO_PERIOD), kind: 'appraise' }, NO_PERIOD),
  ],
  requestExplanation: () => [
    invalid({ ...roundOf(PERIOD), round: 0, taskToken: TOKEN }, 'round'),
    notFound('a period that does not exist', { ...roundOf(NO_PERIOD), taskToken: TOKEN }, NO_PERIOD),
  ],
  recordApproval: () => [
    invalid({ unitId: UNIT, periodId: PERIOD }, 'reviewerId'),
    notFound('a period that does not exist', roundOf(NO_PERIOD), NO_PERIOD),
  ],
  markUnappraised: () => [
    invalid({ unitId: UNIT }, 'periodId'),
    notFound('a period that does not exist', roundOf(NO_PERIOD), NO_PERIOD),
  ],
  recordFailure: ({ runtime }) => [
    invalid({ unitId: 'đơn vị' }, 'unitId'),
    {
      what: 'a failed execution: recorded, the admins told',
      event: {
        periodId: PERIOD,
        executionName: `period-${PERIOD}-bundles-${runtime}`,
        error: 'States.TaskFailed',
        cause: 'bundles.test',
      },
      expect: { returns: (v) => expect(v).toEqual(expect.any(Object)) },
    },
  ],
  // ------------------------------------------------ launch
  storeCampaign: () => [
    invalid({ campaignVersion: 'demo.yaml' }, 'campaignVersion'),
    notFound('a campaign version never stored', { campaignVersion: 99 }, '99'),
    {
      what: 'the stored campaign read back by its version',
      event: { campaignVersion: 1 },
      expect: { returns: (v) => expect(v).toMatchObject({ campaignVersion: 1, superseded: false }) },
    },
  ],
  planSchedules: () => [
    invalid('now', '(event)'),
    {
      what: "the stored campaign's calendar (all of it in the past)",
      event: { campaignVersion: 1 },
      expect: {
        returns: (v) => expect(v).toMatchObject({ created: 0, skippedPast: expect.any(Number) }),
      },
    },
  ],
  listRecipients: () => [
    invalid({ purpose: 'everyone' }, 'purpose'),
    {
      what: 'the launch notice goes to focal points and reviewers',
      event: { purpose: 'launch', campaignVersion: 1 },
      expect: {
        returns: (v) => expect((v as { items: unknown[] }).items).toContain(`unit:${UNIT}`),
      },
    },
    notFound(
      'invitations of a period that does not exist',
      { purpose: 'invite', periodId: NO_PERIOD },
      NO_PERIOD,
    ),
  ],
  announceLaunch: () => [
    invalid({ recipientId: 'all', campaignVersion: 1 }, 'recipientId'),
    notFound(
      'a unit that does not exist',
      { recipientId: 'unit:khong-co-don-vi-nay', campaignVersion: 1 },
      'unit:khong-co-don-vi-nay',
    ),
  ],
  // ------------------------------------------------ period
  openPeriod: () => [
    invalid({ periodId: 'quý 3' }, 'periodId'),
    notFound('a period that does not exist', { periodId: NO_PERIOD }, NO_PERIOD),
  ],
  inviteUnit: () => [
    invalid({ periodId: PERIOD }, 'unitId'),
    notFound('a period that does not exist', { unitId: UNIT, periodId: NO_PERIOD }, NO_PERIOD),
  ],
  remindUnit: () => [
    invalid({ unitId: UNIT, periodId: PERIOD, kind: 'soon' }, 'kind'),
    notFound(
      'a period that does not exist',
      { unitId: UNIT, periodId: NO_PERIOD, kind: 'remind' },
      NO_PERIOD,
    ),
  ],
  closePeriod: () => [
    invalid({}, 'periodId'),
    notFound('a period that does not exist', { periodId: NO_PERIOD }, NO_PERIOD),
  ],
  // ------------------------------------------------ scoring
  computeResults: () => [
    invalid({ periodId: 42 }, 'periodId'),
    notFound('a period that does not exist', { periodId: NO_PERIOD }, NO_PERIOD),
  ],
  publishResult: () => [
    invalid({ unitId: UNIT, periodId: PERIOD, version: 0 }, 'version'),
    notFound('a period that does not exist', { unitId: UNIT, periodId: NO_PERIOD, version: 1 }, NO_PERIOD),
  ],
  notifyLeadership: () => [
    invalid({ periodId: PERIOD }, 'version'),
    notFound('a period that does not exist', { periodId: NO_PERIOD, version: 1 }, NO_PERIOD),
  ],
  // ------------------------------------------------ commendation
  proposeCommendations: () => [
    invalid({ cycleId: 'năm nay' }, 'cycleId'),
    {
      what: 'no results stored yet: a clear error naming the periods',
      event: { cycleId: 'phase' },
      expect: { error: 'StepFailed', mentions: [PERIOD, 'không thể tổng hợp'] },
    },
  ],
  requestVote: () => [
    invalid({ cycleId: NO_CYCLE, memberId: 'khong-co-thanh-vien' }, 'taskToken'),
    notFound(
      'a cycle without a proposal',
      { cycleId: NO_CYCLE, memberId: 'khong-co-thanh-vien', taskToken: TOKEN },
      NO_CYCLE,
    ),
  ],
  remindVote: () => [
    invalid({ cycleId: NO_CYCLE, memberId: 'khong-co-thanh-vien', closesAt: 'mai' }, 'closesAt'),
    {
      what: 'the vote closed: the member is absent, decided from the input without a read',
      event: {
        cycleId: NO_CYCLE,
        memberId: 'khong-co-thanh-vien',
        closesAt: '2020-01-01T00:00:00.000Z',
        remindAt: '2019-12-31T00:00:00.000Z',
      },
      expect: { returns: (v) => expect(v).toEqual({ pastLateDeadline: true, waitSeconds: 60 }) },
    },
  ],
  tallyVotes: () => [
    invalid({ cycle: NO_CYCLE }, 'cycleId'),
    notFound('a cycle without a proposal', { cycleId: NO_CYCLE }, NO_CYCLE),
  ],
  notifyOutcome: () => [
    invalid({ cycleId: 2024 }, 'cycleId'),
    notFound('a cycle without a tally', { cycleId: NO_CYCLE }, NO_CYCLE),
  ],
  // ------------------------------------------------ starter
  starter: ({ runtime }) => [
    invalid({ workflow: 'launch', name: 'launch-x' }, 'workflow'),
    {
      what: 'starts the named execution on the local Step Functions endpoint',
      event: { workflow: 'period', name: `period-${NO_PERIOD}-open-${runtime}`, input: { event: 'open' } },
      expect: { returns: (v) => expect(v).toEqual({ status: 'started' }) },
    },
    {
      what: 'the same name again is success (ExecutionAlreadyExists)',
      event: { workflow: 'period', name: `period-${NO_PERIOD}-open-${runtime}`, input: { event: 'open' } },
      expect: { returns: (v) => expect(v).toEqual({ status: 'already-exists' }) },
    },
  ],
  // ------------------------------------------------ pages
  reportPage: ({ signedUnknownLink }) => [
    {
      what: 'the form’s own script, minified and inlined into the bundle (no file travels beside it)',
      event: httpEvent('GET', '/assets/report-form.js', { pathParameters: { name: 'report-form.js' } }),
      expect: {
        returns: (value) => {
          // The answer as the bundle's process wrote it: an API Gateway result.
          const file = value as { statusCode: number; headers: Record<string, string>; body: string };
          expect(file.statusCode).toBe(200);
          expect(file.headers['content-type']).toBe('text/javascript; charset=utf-8');
          expect(file.body).toContain('export function parseHundredths');
          // Minified for the browser (and the bundle's budget): no comment of the source travels.
          expect(file.body).not.toContain('/**');
        },
      },
    },
    {
      what: 'the reviewer’s page’s script beside it, importing the form’s by the path it is served at',
      event: httpEvent('GET', '/assets/review-form.js', { pathParameters: { name: 'review-form.js' } }),
      expect: {
        returns: (value) => {
          const file = value as { statusCode: number; headers: Record<string, string>; body: string };
          expect(file.statusCode).toBe(200);
          expect(file.headers['content-type']).toBe('text/javascript; charset=utf-8');
          expect(file.body).toContain('"./report-form.js"');
          expect(file.body).toContain('appraisalTally');
          expect(file.body).not.toContain('/**');
        },
      },
    },
    {
      what: 'a forged link',
      event: httpEvent('GET', '/r', { query: forgedLink('report') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
    {
      what: 'a signed link to no stored grant (read from the table)',
      event: httpEvent('GET', '/r', { query: signedUnknownLink('report') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
  ],
  decisionPage: ({ signedUnknownLink }) => [
    {
      what: 'a forged link',
      event: httpEvent('GET', '/d', { query: forgedLink('appraise') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
    {
      what: 'a signed link to no stored approval (read from the table)',
      event: httpEvent('GET', '/d', { query: signedUnknownLink('appraise') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
  ],
  adminPages: () => [
    {
      what: 'the sign-in form',
      event: httpEvent('GET', '/admin'),
      expect: { status: 200, mentions: ['<form method="post" action="/admin/signin"', 'Đăng nhập'] },
    },
    {
      what: "an admin's address: the sign-in link is emailed",
      event: httpEvent('POST', '/admin/signin', { form: { email: ADMIN_EMAIL } }),
      expect: { status: 200, mentions: ['liên kết đăng nhập'] },
    },
  ],
  adminDownloads: () => [
    {
      what: 'a download that does not exist',
      event: httpEvent('GET', '/admin/periods/2022Q3/khong-co.xlsx'),
      expect: { status: 404, mentions: ['Không tìm thấy trang'] },
    },
    {
      what: 'a download with an unknown session: to the sign-in form that comes back to it (the table read)',
      event: httpEvent('GET', '/admin/periods/2022Q3/summary.xlsx', {
        headers: { cookie: `__Host-thidua_session=${randomBytes(32).toString('base64url')}` },
      }),
      expect: {
        returns: (v) =>
          expect(v).toMatchObject({
            statusCode: 303,
            headers: { location: `/admin?next=${encodeURIComponent('/admin/periods/2022Q3/summary.xlsx')}` },
          }),
      },
    },
  ],
  adminActions: () => [
    {
      what: 'an action that does not exist',
      event: httpEvent('GET', '/admin/periods/2022Q3/khong-co'),
      expect: { status: 404, mentions: ['Không tìm thấy trang'] },
    },
    {
      what: 'an action with an unknown session: to the sign-in form that comes back to it (the table read)',
      event: httpEvent('GET', '/admin/periods/2022Q3/recompute', {
        headers: { cookie: `__Host-thidua_session=${randomBytes(32).toString('base64url')}` },
      }),
      expect: {
        returns: (v) =>
          expect(v).toMatchObject({
            statusCode: 303,
            headers: { location: `/admin?next=${encodeURIComponent('/admin/periods/2022Q3/recompute')}` },
          }),
      },
    },
  ],
  adminResend: () => [
    {
      what: 'a re-send with an unknown session: back to the sign-in form (the table read)',
      event: httpEvent('POST', '/admin/mail/resend', {
        headers: { cookie: `__Host-thidua_session=${randomBytes(32).toString('base64url')}` },
      }),
      expect: {
        returns: (v) => expect(v).toMatchObject({ statusCode: 303, headers: { location: '/admin' } }),
      },
    },
  ],
  sweep: () => [
    {
      what: 'nothing to re-send: the counts',
      event: { source: 'aws.scheduler' },
      expect: {
        returns: (v) =>
          expect(v).toEqual({
            decisionsDelivered: 0,
            decisionsTaskGone: 0,
            decisionsFailed: 0,
            mailResent: 0,
            mailFailed: 0,
            mailMarkedAmbiguous: 0,
            followUpsFinished: 0,
            reassignmentsFinished: 0,
          }),
      },
    },
  ],
  evidencePresign: ({ signedUnknownLink }) => [
    evidenceRefusal('presign', forgedLink('report'), 'a forged link'),
    evidenceRefusal(
      'presign',
      signedUnknownLink('report'),
      'a signed link to no stored grant (read from the table)',
    ),
  ],
  evidenceVerify: ({ signedUnknownLink }) => [
    evidenceRefusal('verify', forgedLink('report'), 'a forged link'),
    evidenceRefusal(
      'verify',
      signedUnknownLink('report'),
      'a signed link to no stored grant (read from the table)',
    ),
  ],
  evidenceDownload: ({ signedUnknownLink }) => [
    {
      what: 'a key that is not an evidence key',
      event: httpEvent('GET', '/evidence/file', { query: { ...forgedLink('report'), key: '../x' } }),
      expect: { status: 404, mentions: ['Không tìm thấy tệp'] },
    },
    {
      what: 'a signed link to no stored grant (read from the table)',
      event: httpEvent('GET', '/evidence/file', {
        query: {
          ...signedUnknownLink('report'),
          key: `evidence/${UNIT}/${PERIOD}/r1/${'0'.repeat(32)}-a.pdf`,
        },
      }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
  ],
} satisfies Record<HandlerName, (run: RunInfo) => Case[]>;

/** What a handler answered to one event (written by the runner in the bundle's process). */
export interface Answer {
  ok: boolean;
  value?: unknown;
  error?: { name?: string; message: string; stack: string };
}

/** The case of a handler whose answer needs the emulators: the last one of its list. */
export function reachingCase(cases: readonly Case[]): Case {
  const last = cases[cases.length - 1];
  if (!last) throw new Error('a handler without cases');
  return last;
}

/** Asserts (vitest `expect`) that `answer` is what `c` documents; `where` prefixes every failure. */
export function expectAnswer(c: Case, answer: Answer | undefined, where: string): void {
  const e = c.expect;
  if ('error' in e) {
    expect(answer?.ok, where).toBe(false);
    expect(answer?.error?.name, where).toBe(e.error);
    for (const m of e.mentions) expect(answer?.error?.message, where).toContain(m);
  } else if ('returns' in e) {
    expect(answer?.ok, where).toBe(true);
    e.returns(answer?.value);
  } else {
    expect(answer?.ok, where).toBe(true);
    const page = answer?.value as { statusCode: number; headers?: Record<string, string>; body?: string };
    expect(page.statusCode, where).toBe(e.status);
    expect(page.headers?.['content-type'] ?? page.headers?.['Content-Type'], where).toMatch(/text\/html/);
    expect(page.body, where).toMatch(/<html lang="vi"/);
    for (const m of e.mentions) expect(page.body, where).toContain(m);
  }
}
