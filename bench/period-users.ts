/**
 * What the period benchmark's people do, over HTTP as their browsers would: a unit opens its
 * report page and submits (or explains after a return); a reviewer opens the decision page and
 * approves or returns. The forms are filled the way the pages render them.
 */
import { criteriaSetFor } from '#domain/calendar';
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, DistrictConfig, Period, Unit } from '#domain/model';

/** The report form: every leaf at 80 % of its maximum, with one piece of evidence. */
export function reportForm(
  campaign: { config: DistrictConfig; criteriaSets: CriteriaSet[] },
  unit: Unit,
  period: Period,
  version: number,
  action: 'submit' | 'explain',
): URLSearchParams {
  const form = new URLSearchParams({ version: String(version), action, selfcheck: '1' });
  const set = criteriaSetFor(campaign.config, campaign.criteriaSets, unit.group, period);
  for (const { leaf } of indexCriteria(set).leaves) {
    form.set(`score[${leaf.id}]`, (Math.floor((leaf.max * 4) / 5) / 100).toFixed(2).replace('.', ','));
    form.set(`explanation[${leaf.id}]`, `Đã thực hiện tiêu chí ${leaf.id}`);
    form.set(`evidence[${leaf.id}][0][number]`, `${leaf.id}/BC-UBND`);
    form.set(`evidence[${leaf.id}][0][date]`, '30/09/2025');
  }
  for (let i = 0; i < 5; i++) {
    form.append('t05', String(i));
    form.append('k05', String(i));
  }
  if (action === 'explain') form.set('response', 'Đã bổ sung số, ngày của văn bản làm minh chứng.');
  return form;
}

/** Every text and hidden input of a page as the page filled it, as a browser would send it. */
function filledInputs(page: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of page.matchAll(
    /<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g,
  )) {
    const [, name = '', value = ''] = m;
    form.set(
      name,
      value
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    );
  }
  return form;
}

/** The reviewer's form as the decision page filled it, with the decision (a return carries a general comment). */
export function decisionForm(page: string, decision: 'approve' | 'return'): URLSearchParams {
  const form = filledInputs(page);
  form.set('decision', decision);
  if (decision === 'return') form.set('general', 'Chưa nêu số, ngày của văn bản làm minh chứng.');
  return form;
}

/** The confirmation page's form (the decision as posted, carried hidden) with its confirm button pressed. */
export function confirmationForm(page: string): URLSearchParams {
  const form = filledInputs(page);
  form.set('confirm', 'yes');
  return form;
}

/**
 * `fetch`, once more when the connection was reset: on a loaded machine a kept-alive socket can be
 * closed by the server as the request goes out. Sending a form again is what a person does, and
 * the pages answer a repeated request as they answered the first.
 */
export async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}

export async function post(url: string, form: URLSearchParams): Promise<Response> {
  return request(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

export function expectStatus(res: Response, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}`);
}

interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

/**
 * The first link to `path` in each mail the SES emulator's store holds that `pick` keeps, by its
 * key. The store is emptied once read: the people have read their mail (each phase reads what the
 * one before sent), and a province's mails would otherwise pile up in the bench's memory.
 */
async function mailedLinks(
  sesUrl: string,
  path: '/r' | '/d',
  pick: (mail: StoredMail) => string | undefined,
): Promise<Map<string, string>> {
  const store = (await (await request(`${sesUrl}/store`)).json()) as { emails: StoredMail[] };
  await request(`${sesUrl}/clear-store`, { method: 'POST' });
  const links = new Map<string, string>();
  const pattern = new RegExp(`https?://[^\\s"<>]+${path}\\?[^\\s"<>]+`);
  for (const mail of store.emails) {
    const key = pick(mail);
    const url = pattern.exec(mail.body.text ?? '')?.[0];
    if (key !== undefined && url) links.set(key, url);
  }
  return links;
}

/** Each unit's `/r` link, from the invitations in the SES emulator's store (focal points are one a unit). */
export async function reportLinks(sesUrl: string, units: readonly Unit[]): Promise<Map<string, string>> {
  const byAddress = await mailedLinks(sesUrl, '/r', (mail) =>
    mail.subject.includes('Mời nộp báo cáo') ? mail.destination.to[0] : undefined,
  );
  return byUnit(units, (unit) => byAddress.get(unit.focalPoint.email), 'invitation');
}

/**
 * Each unit's `/d` link of review round `round`, from the review requests in the SES emulator's
 * store, as its reviewer follows it (the subject names the unit, and the round after the first).
 */
export async function reviewLinks(
  sesUrl: string,
  units: readonly Unit[],
  round: number,
): Promise<Map<string, string>> {
  const suffix = round > 1 ? ` (vòng ${round})` : '';
  // `Đề nghị thẩm định báo cáo <period> – <unit name>[ (vòng n)]`
  const byName = await mailedLinks(sesUrl, '/d', (mail) => {
    const { subject } = mail;
    if (!subject.includes('Đề nghị thẩm định báo cáo') || !subject.endsWith(suffix)) return undefined;
    const named = subject.slice(0, subject.length - suffix.length);
    return named.slice(named.lastIndexOf(' – ') + 3);
  });
  return byUnit(units, (unit) => byName.get(unit.name), `review request of round ${round}`);
}

function byUnit(
  units: readonly Unit[],
  linkOf: (unit: Unit) => string | undefined,
  mail: string,
): Map<string, string> {
  const links = new Map<string, string>();
  for (const unit of units) {
    const url = linkOf(unit);
    if (!url) throw new Error(`no ${mail} mailed for ${unit.id}`);
    links.set(unit.id, url);
  }
  return links;
}
