/**
 * One scripted period, as the crash and fault tests drive the product: launch, the open's
 * invitations, submits, returns, explanations, approvals, the remind, deadline and close events,
 * scoring, a review left unappraised. People act only over HTTP (the inbox page gives them their
 * links); a run decides what happens when an action fails (a killed product restarted, a 500
 * answered again), and every action is idempotent, so running it again is what a person does.
 */
import { expect } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import type { ProductStatus } from '#local/product/control';
import { DynamoOutbox } from '#ports/dynamo/outbox';
import { DynamoReportStore } from '#ports/dynamo/reports';
import { DynamoResultsStore } from '#ports/dynamo/results';
import { DynamoReviewStore } from '#ports/dynamo/reviews';
import type { Table } from '#ports/dynamo/table';
import type { OutboxRecord } from '#ports/outbox';
import { reviewForm, unescapeHtml } from '../e2e/campaign-harness.ts';
import { completeForm, type Harness } from '../http/harness.ts';

export const PERIOD = '2022Q3';
const { config, criteriaSets } = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });
const district = { config, criteriaSets } as Harness;
/** Six units report; two are returned and explain; one is never appraised. */
export const UNITS = [
  'phong-noi-vu',
  'phong-tu-phap',
  'phong-y-te',
  'xa-thanh-son',
  'xa-hung-loc',
  'thanh-tra-huyen',
];
const RETURNED = new Set(['xa-thanh-son', 'xa-hung-loc']);
const NEVER_APPRAISED = 'thanh-tra-huyen';

interface Mail {
  subject: string;
  to: string;
  links: string[];
}

/** The product's status (clock, executions, waits); an error answer throws with its status. */
async function statusOf(base: string): Promise<ProductStatus> {
  const res = await fetch(`${base}/local/status`, { headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`status: ${res.status}`);
  return (await res.json()) as ProductStatus;
}

/** A run of the script against one product; subclasses say how it starts, recovers and stops. */
export abstract class PeriodRun {
  private readonly forms = new Map<string, URLSearchParams>();

  /** The product's address now (a restart may change the process, not the address). */
  protected abstract base(): string;
  abstract start(): Promise<void>;
  /** After `action` failed: make the product ready to be asked again, or throw. */
  protected abstract recover(what: string, error: unknown, attempt: number): Promise<void>;
  /** After `action` succeeded (a crash run moves on to its next planned point). */
  protected async afterAction(_what: string): Promise<void> {}
  /** Stops the product cleanly at the end of the script. */
  abstract finish(): Promise<void>;

  /** Runs an idempotent action; when it fails, recovers and runs it again. */
  async act<T>(what: string, action: (base: string) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await action(this.base());
        await this.afterAction(what);
        return result;
      } catch (error) {
        await this.recover(what, error, attempt);
      }
    }
  }

  /** POSTs a form, then waits until what it set going has settled (a move of the clock to its own time). */
  async post(what: string, path: string, form: URLSearchParams | Record<string, string>, ok: number[]) {
    return this.act(what, async (base) => {
      const send = async (url: string, body: URLSearchParams | Record<string, string>) => {
        const res = await fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body).toString(),
        });
        await res.text();
        return res.status;
      };
      const status = await send(path.startsWith('http') ? path : `${base}${path}`, form);
      if (!ok.includes(status)) throw new Error(`${what}: ${status}`);
      const s = await statusOf(base);
      const settled = await send(`${base}/local/advance`, { to: s.clock.now });
      if (settled !== 200) throw new Error(`${what}: settling answered ${settled}`);
      return status;
    });
  }

  /** Moves the virtual clock to `to` (an absolute instant: the same move again changes nothing). */
  advance(to: string): Promise<number> {
    return this.post(`advance ${to}`, '/local/advance', { to }, [200]);
  }

  status(): Promise<ProductStatus> {
    return this.act('status', statusOf);
  }

  /** Every mail of the outbox as the local inbox page shows it, with its links. */
  mails(): Promise<Mail[]> {
    return this.act('inbox', async (base) => {
      const res = await fetch(`${base}/inbox`);
      if (res.status !== 200) throw new Error(`inbox: ${res.status}`);
      return (await res.text())
        .split('<article class="mail">')
        .slice(1)
        .map((card) => ({
          subject: unescapeHtml(/class="subject"><a [^>]*>([^<]*)</.exec(card)?.[1] ?? ''),
          to: unescapeHtml(/Đến \(to\): ([^<]*)</.exec(card)?.[1] ?? ''),
          links: [...card.matchAll(/href="(http[^"]+)"/g)].map((m) => unescapeHtml(m[1] as string)),
        }));
    });
  }

  async link(subject: (s: string) => boolean, path: '/r' | '/d'): Promise<string> {
    const mails = await this.mails();
    const mail = mails.find((m) => subject(m.subject));
    const link = mail?.links.find((l) => new URL(l).pathname === path);
    if (!link) {
      const seen = mails.map((m) => `${m.subject} ${m.links.length}`).join('\n');
      throw new Error(`no ${path} link in a mail matching ${subject}; ${this.describe()}; mail:\n${seen}`);
    }
    return link;
  }

  /** What a failure message says about the run (where it was killed, its fault seed). */
  describe(): string {
    return '';
  }

  /** A page a person opens; its answer must be 200. */
  page(what: string, url: string): Promise<string> {
    return this.act(what, async () => {
      const res = await fetch(url);
      if (res.status !== 200) throw new Error(`${what}: ${res.status}`);
      return res.text();
    });
  }

  /** The unit's report form as its page rendered it once (so a retry posts the same write id). */
  async reportForm(
    unitId: string,
    action: 'submit' | 'explain',
    version: number,
  ): Promise<[string, URLSearchParams]> {
    const name = config.units.find((u) => u.id === unitId)?.name ?? unitId;
    const url = await this.link((s) => s.includes('] Mời nộp') && s.endsWith(`– ${name}`), '/r');
    const key = `${unitId}:${action}`;
    let form = this.forms.get(key);
    if (!form) {
      const page = await this.page('report page', url);
      form = completeForm(district, unitId, version, action);
      form.set('writeId', /name="writeId" value="([^"]+)"/.exec(page)?.[1] ?? '');
      if (action === 'explain') form.set('response', `Giải trình của ${name}: bổ sung số, ngày văn bản.`);
      this.forms.set(key, form);
    }
    return [url, form];
  }

  /** The reviewer's decision from the round's review-request mail; a retry posts the same form (write id). */
  async decide(unitId: string, round: number, decision: 'approve' | 'return'): Promise<void> {
    const name = config.units.find((u) => u.id === unitId)?.name ?? unitId;
    const url = await this.link(
      (s) =>
        s.includes('] Đề nghị thẩm định') &&
        s.endsWith(round === 1 ? `– ${name}` : `– ${name} (vòng ${round})`),
      '/d',
    );
    const key = `${unitId}:r${round}`;
    let form = this.forms.get(key);
    if (!form) {
      const page = await this.page('review page', url);
      form = reviewForm(
        page,
        decision,
        decision === 'return'
          ? { generalComment: 'Bổ sung minh chứng.', 'comment[1.1.1]': 'Chưa nêu số, ngày của kế hoạch.' }
          : {},
      );
      this.forms.set(key, form);
    }
    await this.post(`${decision} ${unitId} r${round}`, url, form, [200, 202]);
  }
}

/** The script; answers the waits' deadlines seen once every report was submitted. */
export async function periodScript(run: PeriodRun): Promise<{ waits: string[] }> {
  await run.start();
  await run.post('launch', '/local/launch', {}, [200]);
  await run.advance('2022-10-01T08:00');
  for (const unitId of UNITS) {
    const [url, form] = await run.reportForm(unitId, 'submit', 0);
    await run.post(`submit ${unitId}`, url, form, [303]);
  }
  await run.advance('2022-10-01T09:00');
  const waits = (await run.status()).waitingFor.map((w) => `${w.execution} ${w.state} ${w.timeoutAt}`).sort();
  for (const unitId of UNITS) {
    if (unitId !== NEVER_APPRAISED) await run.decide(unitId, 1, RETURNED.has(unitId) ? 'return' : 'approve');
  }
  await run.advance('2022-10-02T08:00');
  for (const unitId of RETURNED) {
    const [url, form] = await run.reportForm(unitId, 'explain', 1);
    await run.post(`explain ${unitId}`, url, form, [303]);
  }
  await run.advance('2022-10-02T09:00');
  for (const unitId of RETURNED) await run.decide(unitId, 2, 'approve');
  for (const to of ['2022-10-08T08:00', '2022-10-11T17:00', '2022-10-21T17:00', '2022-11-11T08:00']) {
    await run.advance(to);
  }
  const end = await run.status();
  expect(end.waitingFor).toEqual([]);
  expect(Object.keys(end.executions.byStatus)).toEqual(['SUCCEEDED']);
  await run.finish();
  return { waits };
}

/** What the district's record holds at the end, in a form two runs can be compared by. */
export async function storedRecord(table: Table) {
  const reports = new DynamoReportStore(table);
  const reviews = new DynamoReviewStore(table);
  const results = new DynamoResultsStore(table);
  const outbox = new DynamoOutbox(table);
  const summaries = (await reports.listPeriod(PERIOD))
    .map((r) => `${r.unitId} ${r.status} v${r.version}`)
    .sort();
  const contents = await Promise.all(
    UNITS.map(async (u) => JSON.stringify((await reports.get(u, PERIOD))?.report)),
  );
  const decisions = (
    await Promise.all(
      UNITS.map(async (u) =>
        (
          await reviews.listUnitPeriodApprovals(u, PERIOD)
        ).map((a) => `${u} ${a.kind} r${a.round} ${a.status} ${a.decision?.action ?? '-'}`),
      ),
    )
  )
    .flat()
    .sort();
  const headers = await results.listHeaders(PERIOD);
  const versions = await Promise.all(
    headers.map(async (h) => ({
      version: h.version,
      hash: h.hash,
      lines: (await results.getLines(h)).map((l) => JSON.stringify(l)),
    })),
  );
  // Each record read again by its key: an index entry may be a kill's leftover (docs/local-runtime.md).
  const listed = await outbox.list(5_000);
  const mail = (await Promise.all(listed.map((r) => outbox.get(r.identity)))).filter(
    (r): r is OutboxRecord => !!r,
  );
  return { summaries, contents, decisions, versions, mail };
}
