/**
 * What each Lambda bundle carries, read from esbuild's metafile (not timed: bench/cold-start.ts
 * prints the times): the AWS SDK clients its handler uses and no other, zod without its locale
 * files (only English, the one zod speaks unless told otherwise), the SDK's credentials from the
 * environment only, and a size within its budget.
 *
 * `EXPECTED_CLIENTS` is read off the handlers' needs — the table for storage, SES v2 for mail,
 * SSM Parameter Store for the signing key (a SecureString `thidua keys init` made),
 * Step Functions to answer or start executions, Scheduler for the schedules, Lambda to ask for a
 * sweep run — and checked against
 * what each function's role is granted (infra/district-stack.ts `HANDLERS`): a client without its
 * grant would fail with AccessDenied, a grant without its client is never used.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import { awsClientsOf, type BuiltBundle, bundleFunctions, zodLocalesOf } from '#infra/bundle';
import { DistrictStack, HANDLERS, type HandlerName } from '#infra/district-stack';
import { districtStackName, PROJECT_ROOT } from '#infra/project';
import { localApp } from '#local/runtime/stack';

const OUTDIR = join(PROJECT_ROOT, 'cdk.out', 'bundle-contents-test');

type Client = 'dynamodb' | 'lambda' | 's3' | 'scheduler' | 'sesv2' | 'sfn' | 'ssm';

/** The clients each handler's bundle carries, by entry. */
const EXPECTED_CLIENTS: Record<string, readonly Client[]> = {
  // review steps
  'functions/review/assign-reviewer.ts': ['dynamodb'],
  'functions/review/request-appraisal.ts': ['dynamodb', 'sesv2', 'sfn', 'ssm'],
  'functions/review/remind-waiting.ts': ['dynamodb', 'sesv2', 'ssm'],
  'functions/review/request-explanation.ts': ['dynamodb', 'sesv2', 'sfn', 'ssm'],
  'functions/review/record-approval.ts': ['dynamodb', 'sesv2', 'sfn', 'ssm'],
  'functions/review/mark-unappraised.ts': ['dynamodb', 'sesv2'],
  'functions/record-failure.ts': ['dynamodb', 'sesv2'],
  // launch
  'functions/launch/store-campaign.ts': ['dynamodb'],
  'functions/launch/plan-schedules.ts': ['dynamodb', 'scheduler'],
  'functions/period/list-recipients.ts': ['dynamodb'],
  'functions/launch/announce-launch.ts': ['dynamodb', 'sesv2'],
  // period
  'functions/period/open-period.ts': ['dynamodb'],
  'functions/period/invite-unit.ts': ['dynamodb', 'sesv2', 'ssm'],
  'functions/period/remind-unit.ts': ['dynamodb', 'sesv2', 'ssm'],
  'functions/period/close-period.ts': ['dynamodb', 'sesv2', 'sfn'],
  // scoring
  'functions/scoring/compute-results.ts': ['dynamodb'],
  'functions/scoring/publish-result.ts': ['dynamodb', 'sesv2', 'ssm'],
  'functions/scoring/notify-leadership.ts': ['dynamodb', 'sesv2'],
  // commendation
  'functions/commendation/propose-commendations.ts': ['dynamodb'],
  'functions/commendation/request-vote.ts': ['dynamodb', 'sesv2', 'sfn', 'ssm'],
  'functions/commendation/remind-vote.ts': ['dynamodb', 'sesv2', 'ssm'],
  'functions/commendation/tally-votes.ts': ['dynamodb'],
  'functions/commendation/notify-outcome.ts': ['dynamodb', 'sesv2'],
  // the starter, the pages, the sweep
  'functions/starter.ts': ['sfn'],
  // The report and decision pages send no mail (the page itself answers; the workflow mails what
  // follows), and the sweep re-sends stored messages without signing anything again.
  'functions/http/report.ts': ['dynamodb', 'lambda', 'sfn', 'ssm'],
  'functions/http/decision.ts': ['dynamodb', 'lambda', 'sfn', 'ssm'],
  'functions/http/admin.ts': ['dynamodb', 'sesv2', 'ssm'],
  'functions/http/admin-downloads.ts': ['dynamodb'],
  'functions/http/admin-actions.ts': ['dynamodb', 'sesv2', 'sfn', 'ssm'],
  'functions/http/admin-resend.ts': ['dynamodb', 'sesv2'],
  'functions/sweep.ts': ['dynamodb', 'scheduler', 'sesv2', 'sfn', 'ssm'],
  // The evidence calls: the link (table, key) and the evidence bucket.
  'functions/http/evidence-presign.ts': ['dynamodb', 's3', 'ssm'],
  'functions/http/evidence-verify.ts': ['dynamodb', 's3', 'ssm'],
  'functions/http/evidence-download.ts': ['dynamodb', 's3', 'ssm'],
};

/** Bytes of minified bundle (1 KB = 1,000 bytes) a function may take. */
const BUNDLE_BUDGET = 600_000;
/** Named exceptions: a handler that needs a heavy library, with its own budget (README, "Bundles"). */
const BUDGET_EXCEPTIONS: Partial<Record<HandlerName, number>> = {
  // exceljs and docx (with their zip and XML writers) make the XLSX and DOCX files.
  adminDownloads: 2_000_000,
  // Every admin page in one function (results and their charts, commendation, audit, units), with
  // SES and SSM for the sign-in by email: 610 KB measured on 06/12/2026 (602 KB on 05/12, before
  // the late-appraisal notice and the units page). The admin's actions had 670 KB until their
  // adjustments stopped importing the config loader (and zod with it): 572 KB on 06/12/2026.
  adminPages: 640_000,
};

const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];
let stack: DistrictStack;
let bundles: Map<string, BuiltBundle>;
const bundleOf = (name: HandlerName) => bundles.get(stack.functions[name].node.id) as BuiltBundle;
const entryOf = (name: HandlerName) => stack.functions[name].entryPath;

beforeAll(async () => {
  rmSync(OUTDIR, { recursive: true, force: true });
  stack = new DistrictStack(
    localApp(),
    districtStackName('demo'),
    loadDistrict(join(PROJECT_ROOT, 'districts', 'demo.yaml')),
  );
  bundles = await bundleFunctions(
    HANDLER_NAMES.map((name) => {
      const fn = stack.functions[name];
      return { name: fn.node.id, entry: fn.entryPath, bundling: fn.bundling };
    }),
    OUTDIR,
  );
}, 180_000);

afterAll(() => {
  rmSync(OUTDIR, { recursive: true, force: true });
});

/** One line per handler whose `problem` is not empty, for a failure message that lists them all. */
function report(problem: (name: HandlerName) => string | undefined): string {
  return HANDLER_NAMES.map((name) => {
    const p = problem(name);
    return p ? `${entryOf(name)}: ${p}` : undefined;
  })
    .filter((line) => line !== undefined)
    .join('\n');
}

describe('what each bundle carries', () => {
  it('the expected table names every handler entry of the stack, and only those', () => {
    expect(Object.keys(EXPECTED_CLIENTS).sort()).toEqual(HANDLER_NAMES.map(entryOf).sort());
  });

  it('the expected clients are what each function is granted', () => {
    const granted = (name: HandlerName): Client[] => {
      const h: {
        id: string;
        mail?: string;
        signingKey?: string;
        taskResponse?: unknown;
        startExecution?: unknown;
        schedules?: string;
        noTable?: string;
        evidence?: unknown;
        triggersSweep?: string;
        plansSweeps?: string;
      } = HANDLERS[name];
      const clients: Client[] = [];
      if (!h.noTable) clients.push('dynamodb');
      if (h.triggersSweep) clients.push('lambda');
      if (h.evidence) clients.push('s3');
      if (h.schedules || h.plansSweeps) clients.push('scheduler');
      if (h.mail) clients.push('sesv2');
      if (h.taskResponse || h.startExecution) clients.push('sfn');
      if (h.signingKey) clients.push('ssm');
      return clients;
    };
    const mismatches = report((name) => {
      const expected = EXPECTED_CLIENTS[entryOf(name)] ?? [];
      const grants = granted(name);
      return expected.join(' ') === grants.join(' ')
        ? undefined
        : `expected ${expected.join(', ')}; granted ${grants.join(', ')}`;
    });
    expect(mismatches, `the expected clients and the roles' grants differ:\n${mismatches}`).toBe('');
  });

  it('each bundle carries the AWS SDK clients its handler uses, and no other', () => {
    const lines: string[] = [];
    const wrong = report((name) => {
      const carried = awsClientsOf(bundleOf(name));
      const expected = EXPECTED_CLIENTS[entryOf(name)] ?? [];
      lines.push(`${entryOf(name).padEnd(48)} ${carried.join(' ')}`);
      const extra = carried.filter((c) => !expected.includes(c as Client));
      const missing = expected.filter((c) => !carried.includes(c));
      return [
        extra.length > 0 ? `carries ${extra.join(', ')} (not used)` : '',
        missing.length > 0 ? `lacks ${missing.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
    });
    console.log(`AWS clients per bundle:\n${lines.join('\n')}`);
    expect(wrong, `bundles whose clients are not their handler's:\n${wrong}`).toBe('');
  });

  it("no bundle carries zod's locale files besides English", () => {
    const wrong = report((name) => {
      const locales = zodLocalesOf(bundleOf(name));
      if (locales.length === 0) return undefined;
      const bytes = Object.entries(bundleOf(name).inputs)
        .filter(([path]) => locales.some((l) => path.endsWith(`/locales/${l}.js`)))
        .reduce((sum, [, b]) => sum + b, 0);
      return `${locales.length} locales, ${Math.round(bytes / 1000)} KB (import * as z from 'zod', not { z })`;
    });
    expect(wrong, `bundles with zod's locales:\n${wrong}`).toBe('');
  });

  it('no bundle carries the config loader (domain/config.ts brings the whole of zod, ~95 KB)', () => {
    const wrong = report((name) =>
      Object.keys(bundleOf(name).inputs).some((path) => path.endsWith('domain/config.ts'))
        ? 'imports a value from #domain/config: take it from a module without zod (domain/criteria-tree.ts…)'
        : undefined,
    );
    expect(wrong, `bundles with the config loader:\n${wrong}`).toBe('');
  });

  it('no bundle carries credential providers besides the environment one (infra/lambda-credentials.ts)', () => {
    const wrong = report((name) => {
      const providers = new Set(
        Object.keys(bundleOf(name).inputs)
          .map(
            (path) =>
              /node_modules\/@aws-sdk\/(credential-provider-[a-z-]+|nested-clients)\//.exec(path)?.[1],
          )
          .filter((p): p is string => p !== undefined && p !== 'credential-provider-env'),
      );
      return providers.size > 0 ? [...providers].sort().join(', ') : undefined;
    });
    expect(wrong, `bundles with the SDK's whole credential chain:\n${wrong}`).toBe('');
  });

  it('each bundle is within its budget', () => {
    const over = report((name) => {
      const budget = BUDGET_EXCEPTIONS[name] ?? BUNDLE_BUDGET;
      const bytes = bundleOf(name).bytes;
      return bytes > budget ? `${Math.round(bytes / 1000)} KB > ${budget / 1000} KB` : undefined;
    });
    expect(over, `bundles over budget:\n${over}`).toBe('');
  });
});
