/**
 * Taking someone off the config ends their session. An admin removed from `admins`, a leader from
 * `leadership`, or a unit's focal point replaced, by a launch of the edited config (README, "Changing units, reviewers,
 * council or calendar mid-campaign") could go on using the session they opened before, for up to
 * 8 hours, although their sign-in link was already refused. A link mailed before such a launch to
 * an address the person no longer has opens nothing either (else the old mailbox would get a
 * session under the new address). Through real HTTP on the local system:
 * sign in by the mailed links, store the edited campaign as its next version, and look again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeCampaign } from '#functions/launch/campaign';
import { type Harness, location, postForm, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const ADMIN = 'huytq.noivu@song-lam.example.org';
const OTHER_ADMIN = 'mailt.noivu@song-lam.example.org';
const UNIT = 'xa-dai-dong';
const OTHER_UNIT = 'xa-trung-son';

async function mailedLink(to: string, path: string): Promise<string> {
  const mail = (await h.mails()).filter((m) => m.destination.to.includes(to)).at(-1);
  const link = new RegExp(`https?://[^\\s"<>]+${path}\\?[^\\s"<>]+`).exec(mail?.body.text ?? '')?.[0];
  if (!link) throw new Error(`no ${path} link mailed to ${to}`);
  return link;
}

/** Signs in through the mailed link: the session cookie, as a browser would send it back. */
async function signIn(form: string, email: string, sessionPath: string): Promise<string> {
  expect((await postForm(`${h.base}${form}`, { email })).status).toBe(200);
  const res = await postForm(await mailedLink(email, sessionPath), {});
  expect(res.status).toBe(303);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('thidua_session='));
  return (cookie ?? '').split(';')[0] ?? '';
}

const get = (path: string, cookie: string) =>
  fetch(`${h.base}${path}`, { headers: { cookie }, redirect: 'manual' });

// Seven sign-ins and page loads through the real emulators: more than the default 5 s on a busy machine.
describe('a session whose person a new launch took off the config', { timeout: 60_000 }, () => {
  it('ends at the next request: the admin signs in again, the former focal point asks for a link', async () => {
    const unit = h.config.units.find((u) => u.id === UNIT);
    if (!unit) throw new Error(`the demo has no unit ${UNIT}`);
    const admin = await signIn('/admin/signin', ADMIN, '/admin/session');
    const other = await signIn('/admin/signin', OTHER_ADMIN, '/admin/session');
    const focal = await signIn('/u', unit.focalPoint.email, '/u/session');
    const leader = h.config.leadership[0];
    if (!leader) throw new Error('the demo has no leader');
    const chairman = await signIn('/admin/signin', leader.email, '/admin/session');
    const period = `/admin/periods/${h.period.id}`;
    expect((await get(period, admin)).status).toBe(200);
    expect((await get('/admin/results', chairman)).status).toBe(200);
    expect((await get(`/u/${UNIT}`, focal)).status).toBe(200);

    // The edited config, launched: one admin gone, the unit's focal point another person.
    await storeCampaign({
      config: {
        ...h.config,
        admins: h.config.admins.filter((a) => a.email !== ADMIN),
        // The chairman moved to another post: the address now belongs to nobody in the campaign.
        leadership: h.config.leadership.filter((l) => l.id !== leader.id),
        units: h.config.units.map((u) =>
          u.id === UNIT
            ? { ...u, focalPoint: { name: 'Nguyễn Văn Mới', email: 'moinv.daidong@song-lam.example.org' } }
            : u,
        ),
      },
      criteriaSets: h.criteriaSets,
    });

    const page = await get(period, admin);
    expect(page.status).toBe(303);
    expect(location(h, page)).toBe(`${h.base}/admin?next=${encodeURIComponent(period)}`);
    const home = await get('/admin', admin);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Gửi liên kết đăng nhập');
    const action = await fetch(`${h.base}${period}/units/${UNIT}/remind`, {
      headers: { cookie: admin },
      redirect: 'manual',
    });
    expect(action.status).toBe(303);
    const download = await get(`/admin/audit.csv?period=${h.period.id}`, admin);
    expect(download.status).toBe(303);

    const results = await get('/admin/results', chairman);
    expect(results.status).toBe(303);
    expect(location(h, results)).toBe(`${h.base}/admin?next=${encodeURIComponent('/admin/results')}`);

    const history = await get(`/u/${UNIT}`, focal);
    expect(history.status).toBe(303);
    expect(location(h, history)).toBe(`${h.base}/u`);

    // The admin still listed keeps the session.
    expect((await get(period, other)).status).toBe(200);
  });

  it("refuses a link mailed before the launch to an address that is no longer the person's", async () => {
    // Links asked for, not yet used: a leader's and a focal point's (another leader and unit than above).
    const leader = h.config.leadership[1];
    const unit = h.config.units.find((u) => u.id === OTHER_UNIT);
    if (!leader || !unit) throw new Error(`the demo has no second leader or no unit ${OTHER_UNIT}`);
    expect((await postForm(`${h.base}/admin/signin`, { email: leader.email })).status).toBe(200);
    expect((await postForm(`${h.base}/u`, { email: unit.focalPoint.email })).status).toBe(200);
    const leaderLink = await mailedLink(leader.email, '/admin/session');
    const unitLink = await mailedLink(unit.focalPoint.email, '/u/session');

    // The same people, each at a new address (the post went to someone else).
    await storeCampaign({
      config: {
        ...h.config,
        leadership: h.config.leadership.map((l) =>
          l.id === leader.id ? { ...l, email: 'lanhdao.moi@song-lam.example.org' } : l,
        ),
        units: h.config.units.map((u) =>
          u.id === OTHER_UNIT
            ? { ...u, focalPoint: { ...u.focalPoint, email: 'daumoi.trungson@song-lam.example.org' } }
            : u,
        ),
      },
      criteriaSets: h.criteriaSets,
    });

    for (const link of [leaderLink, unitLink]) {
      expect((await fetch(link, { redirect: 'manual' })).status, link).toBe(403);
      const used = await postForm(link, {});
      expect(used.status, link).toBe(403);
      expect(used.headers.getSetCookie().join(';')).not.toContain('thidua_session=');
    }
  });
});
