/**
 * The admin's one-click re-send of an ambiguous mail, over HTTP on the real emulators: the button
 * under *Cần chú ý* posts the mail's key with a write id; of two admins pressing at once one
 * sends; the same POST again answers as the first did and sends nothing; a POST from another site
 * sends nothing; the audit names the admin and the mail's identity.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit } from '#ports/dynamo/audit';
import { outbox } from '#ports/dynamo/outbox';
import { adminCookie, type Harness, postForm, startHarness } from '../http/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const TO = 'vanthu@song-lam.example.org';

/** The re-send button's form as the dashboard renders it for one admin. */
async function resendForm(cookie: string): Promise<URLSearchParams> {
  const page = await (await fetch(`${h.base}/admin`, { headers: { cookie } })).text();
  const form = /<form method="post" action="\/admin\/mail\/resend"[^>]*>(.*?)<\/form>/s.exec(page)?.[1];
  if (!form) throw new Error('no re-send button under Cần chú ý');
  const fields = new URLSearchParams();
  for (const m of form.matchAll(/name="([^"]+)" value="([^"]*)"/g)) {
    fields.set(m[1] as string, (m[2] as string).replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'"));
  }
  return fields;
}

const sentTo = async () => (await h.mails()).filter((m) => m.destination.to.includes(TO)).length;

it('two admins press at once: one sends, the other is told; the same POST again sends nothing', async () => {
  const identity = { step: 'resend-test', recipient: TO, periodId: '2022Q3', round: 0 };
  const claim = await outbox().claim(identity, {
    to: TO,
    subject: 'Thông báo thử gửi lại',
    text: 'Nội dung thử.',
    html: '<p>Nội dung thử.</p>',
  });
  if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
  await outbox().markAmbiguous(claim.record.key, claim.record.attempt, 'TimeoutError: no answer');
  const [first, second] = [await adminCookie(h, 0), await adminCookie(h, 1)];
  const [formA, formB] = [await resendForm(first), await resendForm(second)];
  expect(formA.get('key')).toBe(claim.record.key);
  expect(formA.get('writeId')).not.toBe(formB.get('writeId'));

  // From another site: refused, nothing sent.
  const forged = await postForm(`${h.base}/admin/mail/resend`, formA, {
    cookie: first,
    origin: 'https://ke-gian.example',
  });
  expect(forged.status).toBe(403);
  expect(await sentTo()).toBe(0);

  const answers = await Promise.all([
    postForm(`${h.base}/admin/mail/resend`, formA, { cookie: first, origin: h.base }),
    postForm(`${h.base}/admin/mail/resend`, formB, { cookie: second, origin: h.base }),
  ]);
  expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  expect(await sentTo()).toBe(1);
  const winner =
    answers[0]?.status === 200 ? { form: formA, cookie: first, i: 0 } : { form: formB, cookie: second, i: 1 };

  const again = await postForm(`${h.base}/admin/mail/resend`, winner.form, {
    cookie: winner.cookie,
    origin: h.base,
  });
  expect(again.status).toBe(200);
  expect(await again.text()).toContain('Đã gửi lại email');
  expect(await sentTo()).toBe(1);
  expect((await outbox().get(identity))?.status).toBe('sent');

  const entries = (await audit().list(`mail/${claim.record.key}`)).filter(
    (x) => x.action === 'admin.mail-resent',
  );
  expect(entries).toHaveLength(1);
  expect(entries[0]?.actor).toMatchObject({ kind: 'admin', id: h.config.admins[winner.i]?.id });
  expect(entries[0]?.detail).toMatchObject({ identity, to: TO });
  // Sent: the dashboard no longer offers it.
  await expect(resendForm(first)).rejects.toThrow(/no re-send button/);
}, 60_000);
