/**
 * Review steps in the cloud's shape whose Retry must say what the first try would have said: the
 * step dies (throws `CrashPoint`) after a write that changes what it reads, and the workflow's
 * Retry runs it again with the same input.
 */
import { describe, expect, it } from 'vitest';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { crashBed } from '../helpers/crash-bed.ts';
import { inReview, PERIOD_ID, postForm, returnFormOf } from '../http/harness.ts';

const bed = crashBed();

describe('a sign-in whose request dies after consuming the link', () => {
  it('signin.after-claim: pressed again, the link is used (409) and the sign-in is audited once', async () => {
    const admin = bed.h.config.admins[0];
    if (!admin) throw new Error('no admin');
    expect((await postForm(`${bed.h.base}/admin/signin`, { email: admin.email })).status).toBe(200);
    const mail = (await bed.h.mails()).filter((m) => m.destination.to.includes(admin.email)).at(-1);
    const link = /https?:\/\/[^\s"<>]+\/admin\/session\?[^\s"<>]+/.exec(mail?.body.text ?? '')?.[0] ?? '';
    expect(link).not.toBe('');
    bed.crashAt('signin.after-claim');
    expect((await postForm(link, {})).status).toBe(500);
    bed.disarm();
    // A consumed link never mints a second session; what it recorded is still audited.
    expect((await postForm(link, {})).status).toBe(409);
    const entries = (await audit().list(`admin/${admin.id}`)).filter((x) => x.action === 'signin.decided');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.actor).toMatchObject({ kind: 'admin', id: admin.id });
    expect((await postForm(link, {})).status).toBe(409);
    expect(
      (await audit().list(`admin/${admin.id}`)).filter((x) => x.action === 'signin.decided'),
    ).toHaveLength(1);
  }, 60_000);
});

describe('MarkUnappraised dies after closing the points; the Retry finishes it', () => {
  it('unappraised.after-close: the audit and the mails still say the unit never explained', async () => {
    const unitId = 'phong-tu-phap';
    const { reviewUrl, focal } = await inReview(bed.h, unitId);
    const page = await (await fetch(reviewUrl)).text();
    const returned = returnFormOf(page);
    expect((await postForm(reviewUrl, returned)).status).toBe(200);
    await bed.h.rt.settle();
    expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('returned');

    // The unit never explains: past the late-appraisal deadline the review ends unappraised, and
    // MarkUnappraised dies right after closing the unit's explanation point.
    bed.crashAt('unappraised.after-close');
    await bed.h.rt.advanceClock(new Date(Date.parse(bed.h.period.lateAppraisalUntil) + 3_600_000));
    await bed.h.rt.settle();
    expect(bed.h.output.join('')).toContain('Crash point unappraised.after-close reached');

    const explain = (await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID)).find(
      (a) => a.kind === 'explain' && a.round === 1,
    );
    expect(explain?.status).toBe('closed');
    const entries = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).filter(
      (x) => x.action === 'report.unappraised',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail).toMatchObject({ waitingFor: 'unit', closed: 1 });
    const mails = await bed.h.mails();
    const toUnit = mails.filter(
      (m) => m.destination.to.includes(focal) && m.subject.includes('chưa được thẩm định trong thời hạn'),
    );
    expect(toUnit).toHaveLength(1);
    expect(toUnit[0]?.body.text).toContain('đơn vị chưa gửi giải trình theo ý kiến thẩm định');
    const admin = bed.h.config.admins[0]?.email ?? '';
    const toAdmin = mails.filter(
      (m) => m.destination.to.includes(admin) && m.subject.includes('Chưa thẩm định: '),
    );
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]?.body.text).toContain('đơn vị chưa gửi giải trình');
  }, 120_000);
});
