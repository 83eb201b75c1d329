/**
 * The sign-in forms answer an unknown address after the same wait as a known one
 * (functions/ports/answer-floor.ts): both requests ask the real-time wait for the same floor, and
 * neither answers before that wait ends — the known one even though its mail went out long
 * before. The wait is injected (a wait the test ends itself), so nothing here is timed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { realWait, SIGNIN_ANSWER_FLOOR_MS } from '#ports/answer-floor';
import { replacePort } from '#ports/registry';
import { type Harness, postForm, startHarness } from './harness.ts';

let h: Harness;
const ADMIN = 'huytq.noivu@song-lam.example.org';

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

/** A wait that ends when the test says so; each call is recorded with its milliseconds. */
function heldWaits() {
  const calls: { ms: number; end: () => void }[] = [];
  let called: () => void = () => {};
  let next = new Promise<void>((resolve) => {
    called = resolve;
  });
  replacePort(realWait, (ms) => {
    const waited = new Promise<void>((resolve) => calls.push({ ms, end: resolve }));
    called();
    next = new Promise<void>((resolve) => {
      called = resolve;
    });
    return waited;
  });
  return { calls, nextCall: () => next };
}

// Back to the harness's wait, which passes at once.
afterEach(() => replacePort(realWait, async () => {}));

/** Whether a promise has settled, after the event loop has run what it had queued. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const mailsTo = async (to: string) => (await h.mails()).filter((m) => m.destination.to.includes(to)).length;

/**
 * Posts the form and returns once the request waits on its floor, with the wait's record and the
 * answer to come; `ready` is what must have happened meanwhile (the known address's mail).
 */
async function postUntilFloor(
  path: string,
  email: string,
  waits: ReturnType<typeof heldWaits>,
  ready: () => Promise<boolean> = async () => true,
) {
  const before = waits.calls.length;
  const called = waits.nextCall();
  const answer = postForm(`${h.base}${path}`, { email }, { origin: h.base });
  const first = await Promise.race([called.then(() => 'the floor'), answer.then(() => 'the answer')]);
  expect(first, `${path} waits on the floor before it answers`).toBe('the floor');
  expect(waits.calls).toHaveLength(before + 1);
  for (let i = 0; i < 400 && !(await ready()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(await ready()).toBe(true);
  return { wait: waits.calls[before], answer };
}

describe.each([
  { form: 'the admin sign-in', path: '/admin/signin', known: () => ADMIN },
  { form: "a unit's link", path: '/u', known: () => h.config.units[1]?.focalPoint.email ?? '' },
])('$form', ({ path, known }) => {
  it('answers an unknown address after the same floor as a known one, whose mail went out before it', async () => {
    const waits = heldWaits();

    const stranger = await postUntilFloor(path, 'ai-do@example.com', waits);
    expect(stranger.wait?.ms).toBe(SIGNIN_ANSWER_FLOOR_MS);
    expect(await settled(stranger.answer)).toBe(false);
    stranger.wait?.end();
    const strangerPage = await (await stranger.answer).text();

    const address = known();
    const mailsBefore = await mailsTo(address);
    const person = await postUntilFloor(
      path,
      address,
      waits,
      async () => (await mailsTo(address)) > mailsBefore,
    );
    expect(person.wait?.ms).toBe(SIGNIN_ANSWER_FLOOR_MS);
    // Mailed, and still waiting on the floor: the answer does not come sooner for a known address.
    expect(await settled(person.answer)).toBe(false);
    person.wait?.end();
    const res = await person.answer;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(strangerPage);
    expect(waits.calls).toHaveLength(2);
  });
});
