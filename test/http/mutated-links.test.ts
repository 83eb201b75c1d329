/**
 * Mutated links through real HTTP on the local system. From valid links — two units' report
 * links, two reviewers' decision links (mailed by the real review workflow) and an admin's sign-in
 * link — a seeded generator makes well over a thousand altered ones: flipped, truncated and
 * extended characters, parameters swapped between two links, another unit's id under this link's
 * signature, expired, on the wrong route, for the wrong action, spelled non-canonically, under an
 * unknown key, with a parameter twice, and validly signed for an approval that does not exist.
 *
 * Each is opened (GET) and posted with the form that the real link would act on: none may be
 * anything but 403, 404 or 410 — never a page that acts, never a 500 — and afterwards the table
 * (approvals, reports, outbox), the mailbox and every valid link's page read exactly as before.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyring as keyringPort } from '#ports/keyring';
import { currentKey, type Keyring, type LinkParams, type SigningKey, signLink } from '#ports/links';
import { formOf, type Harness, inReview, invite, mailedLink, postForm, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const NAMES = ['k', 'id', 'a', 'e', 's'] as const;
type Name = (typeof NAMES)[number];
const ROUTES = ['/r', '/d', '/admin/session'] as const;
const KINDS = ['report', 'appraise', 'explain', 'vote', 'signin'];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** What a flipped character of the query may become: the alphabet, separators, escapes. */
const FLIP = `${B64URL}.~!*'()&=#%+`;
const ALNUM = B64URL.slice(0, 62);
const SEED = 20220802;

interface Link {
  label: string;
  path: string;
  params: Record<Name, string>;
  /** What the valid link's POST would act on. */
  body: URLSearchParams;
}

interface Mutation {
  kind: string;
  /** What was changed, for a failure message (never the URL: it carries a signature). */
  what: string;
  /** Path and raw query string, as typed into the address bar. */
  target: string;
  expected: readonly number[];
}

const query = (params: Record<Name, string>, order: readonly Name[] = NAMES): string =>
  order.map((n) => `${n}=${params[n]}`).join('&');
const targetOf = (path: string, params: Record<Name, string>): string => `${path}?${query(params)}`;

/** True when the server would see exactly one of the valid links (the mutation changed nothing). */
function isValidLink(target: string, links: readonly Link[]): boolean {
  const url = new URL(target, 'http://x');
  const seen = url.searchParams;
  return links.some(
    (l) =>
      url.pathname === l.path &&
      NAMES.every((n) => seen.getAll(n).length === 1 && seen.get(n) === l.params[n]),
  );
}

/** Another character of `alphabet` than `c` (the next one when the pick is `c` itself). */
function other(alphabet: string, pick: number, c: string): string {
  const i = pick % alphabet.length;
  return alphabet[i] === c ? (alphabet[(i + 1) % alphabet.length] as string) : (alphabet[i] as string);
}

/** What every kind of mutation draws from. */
interface Draw {
  link: fc.Arbitrary<Link>;
  /** Two different links. */
  pair: fc.Arbitrary<readonly [Link, Link]>;
  name: fc.Arbitrary<Name>;
  /** The link's parameters validly signed, with `change` (and another key, if given). */
  sign(l: Link, change: { id?: string; action?: string; expiresAt?: number }, key?: SigningKey): LinkParams;
  keyring: Keyring;
  now: Date;
}

function draw(links: readonly Link[], keyring: Keyring, now: Date): Draw {
  return {
    link: fc.nat(links.length - 1).map((i) => links[i] as Link),
    pair: fc
      .tuple(fc.nat(links.length - 1), fc.nat(links.length - 2))
      .map(([i, j]) => [links[i] as Link, links[(i + 1 + j) % links.length] as Link] as const),
    name: fc.constantFrom(...NAMES),
    sign: (l, change, key = currentKey(keyring)) =>
      signLink(
        {
          approvalId: change.id ?? l.params.id,
          action: change.action ?? l.params.a,
          expiresAt: change.expiresAt ?? Number(l.params.e) * 1000,
        },
        key,
      ).params,
    keyring,
    now,
  };
}

function mutation(kind: string, what: string, target: string, expected: readonly number[] = [403]): Mutation {
  return { kind, what, target, expected };
}

/** Links whose parameters are changed as a whole: other links', other routes, other signatures. */
function signedKinds(g: Draw): Record<string, fc.Arbitrary<Mutation>> {
  return {
    expired: fc
      .tuple(g.link, fc.integer({ min: 1, max: 400 * 86_400 }))
      .map(([l, ago]) =>
        mutation(
          'expired',
          `${l.label} signed to expire ${ago} s ago`,
          targetOf(l.path, g.sign(l, { expiresAt: g.now.getTime() - ago * 1000 })),
          [410],
        ),
      ),
    'wrong-route': fc.tuple(g.link, fc.constantFrom(...ROUTES)).map(([l, route]) => {
      const path = route === l.path ? (ROUTES[(ROUTES.indexOf(route) + 1) % ROUTES.length] as string) : route;
      return mutation('wrong-route', `${l.label} on ${path}`, targetOf(path, l.params));
    }),
    'other-unit': g.pair.map(([l, o]) =>
      mutation(
        'other-unit',
        `${l.label} with the id of ${o.label}`,
        targetOf(l.path, { ...l.params, id: o.params.id }),
      ),
    ),
    'wrong-action': fc.tuple(g.link, fc.constantFrom(...KINDS), fc.boolean()).map(([l, kind, resigned]) => {
      const a = kind === l.params.a ? (KINDS[(KINDS.indexOf(kind) + 1) % KINDS.length] as string) : kind;
      const params = resigned ? g.sign(l, { action: a }) : { ...l.params, a };
      return mutation(
        'wrong-action',
        `${l.label} as ${a}${resigned ? ', validly signed' : ''}`,
        targetOf(l.path, params),
      );
    }),
    'unknown-key': fc
      .tuple(g.link, fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/), fc.boolean())
      .filter(([, k]) => !g.keyring.keys.has(k))
      .map(([l, k, resigned]) => {
        const secret = Buffer.from(`${k}-not-a-key-of-this-system-${'x'.repeat(32)}`);
        const params = resigned ? g.sign(l, {}, { id: k, secret }) : { ...l.params, k };
        return mutation(
          'unknown-key',
          `${l.label} under key ${k}${resigned ? ', signed with it' : ''}`,
          targetOf(l.path, params),
        );
      }),
    'no-such-approval': fc
      .tuple(g.link, fc.uint8Array({ minLength: 16, maxLength: 16 }))
      .map(([l, bytes]) =>
        mutation(
          'no-such-approval',
          `${l.label} validly signed for an id nobody was given`,
          targetOf(l.path, g.sign(l, { id: Buffer.from(bytes).toString('base64url') })),
        ),
      ),
  };
}

/** Links whose characters are changed: spelled, repeated, cut, lengthened, flipped, mixed. */
function spelledKinds(g: Draw): Record<string, fc.Arbitrary<Mutation>> {
  return {
    'non-canonical': fc.tuple(g.link, fc.nat(), fc.nat()).map(([l, variant, pick]) => {
      const spelled = nonCanonical(l.params, variant, pick);
      return mutation('non-canonical', `${l.label}: ${spelled.what}`, targetOf(l.path, spelled.params));
    }),
    duplicated: fc.tuple(g.pair, g.name, fc.boolean(), fc.boolean()).map(([[l, o], n, same, first]) => {
      const extra = `${n}=${same ? l.params[n] : o.params[n]}`;
      const q = query(l.params);
      return mutation(
        'duplicated',
        `${l.label}: ${n} twice (${same ? 'same' : 'another link’s'} value, ${first ? 'first' : 'last'})`,
        `${l.path}?${first ? `${extra}&${q}` : `${q}&${extra}`}`,
      );
    }),
    extend: fc
      .tuple(g.link, g.name, fc.string({ unit: fc.constantFrom(...B64URL), minLength: 1, maxLength: 6 }))
      .map(([l, n, more]) =>
        mutation(
          'extend',
          `${l.label}: ${n} + ${more.length} chars`,
          targetOf(l.path, { ...l.params, [n]: `${l.params[n]}${more}` }),
        ),
      ),
    truncate: fc.tuple(g.link, fc.nat()).map(([l, at]) => {
      const target = targetOf(l.path, l.params);
      const keep = l.path.length + (at % (target.length - l.path.length));
      return mutation(
        'truncate',
        `${l.label}: first ${keep} of ${target.length} chars`,
        target.slice(0, keep),
      );
    }),
    flip: fc.tuple(g.link, fc.nat(), fc.nat()).map(([l, at, pick]) => {
      const target = targetOf(l.path, l.params);
      const pos = 1 + (at % (target.length - 1)); // never the leading slash
      const inPath = pos <= l.path.length; // the path or the '?' after it: another route, or none
      const c = target[pos] as string;
      const to = other(inPath ? ALNUM : FLIP, pick, c);
      const flipped = `${target.slice(0, pos)}${to}${target.slice(pos + 1)}`;
      return mutation(
        'flip',
        `${l.label}: char ${pos} '${c}' → '${to}'`,
        flipped,
        inPath ? [403, 404] : [403],
      );
    }),
    swap: fc.tuple(g.pair, fc.subarray([...NAMES], { minLength: 1 })).map(([[l, o], names]) => {
      const params = { ...l.params };
      for (const n of names) params[n] = o.params[n];
      return mutation('swap', `${l.label} with ${names.join(',')} of ${o.label}`, targetOf(l.path, params));
    }),
  };
}

/**
 * Every kind, the specific ones first: a case two kinds can make (another link's parameters on
 * this route is both a swap and a wrong route) is sent once and counted for the first.
 */
function categories(
  links: readonly Link[],
  keyring: Keyring,
  now: Date,
): Record<string, fc.Arbitrary<Mutation>> {
  const g = draw(links, keyring, now);
  return { ...signedKinds(g), ...spelledKinds(g) };
}

/** The same id or signature spelled another way: the bytes a decoder reads may even be equal. */
function nonCanonical(
  params: Record<Name, string>,
  variant: number,
  pick: number,
): { what: string; params: Record<Name, string> } {
  const n: Name = variant % 2 === 0 ? 's' : 'id';
  const value = params[n];
  const lastBits = [...B64URL]
    .map((c) => `${value.slice(0, -1)}${c}`)
    .filter((v) => v !== value && Buffer.from(v, 'base64url').equals(Buffer.from(value, 'base64url')));
  const standard = value.replaceAll('-', '%2B').replaceAll('_', '%2F');
  const spaces = ['%20', '%09', '%0A', '+'];
  const space = spaces[pick % spaces.length] as string;
  const middle = Math.floor(value.length / 2);
  const spellings: [string, string][] = [
    ['the same bytes, other unused bits', lastBits[pick % lastBits.length] as string],
    ['padded', `${value}${pick % 2 ? '%3D' : '='}`],
    ['padded twice', `${value}==`],
    ['standard alphabet', standard === value ? `${value.slice(0, -1)}%2B` : standard],
    ['whitespace before', `${space}${value}`],
    ['whitespace after', `${value}${space}`],
    ['whitespace inside', `${value.slice(0, middle)}${space}${value.slice(middle)}`],
  ];
  const [what, spelled] = spellings[Math.floor(variant / 2) % spellings.length] as [string, string];
  return { what: `${n} ${what}`, params: { ...params, [n]: spelled } };
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/** The valid links, each with the form its POST acts on. */
async function validLinks(): Promise<Link[]> {
  const links: Link[] = [];
  const add = (label: string, url: string, body: URLSearchParams) => {
    const u = new URL(url);
    const get = (n: Name): string => u.searchParams.get(n) ?? '';
    const params = { k: get('k'), id: get('id'), a: get('a'), e: get('e'), s: get('s') };
    links.push({ label, path: u.pathname, params, body });
  };
  for (const [label, unitId] of [
    ['report link A', 'phong-tu-phap'],
    ['report link B', 'phong-van-hoa-thong-tin'],
  ] as const) {
    await invite(unitId);
    const focal = h.config.units.find((u) => u.id === unitId)?.focalPoint.email ?? unitId;
    add(
      label,
      await mailedLink(h, focal, '/r'),
      new URLSearchParams({ action: 'save', version: '0', 'score[1.1.1]': '1' }),
    );
  }
  for (const [label, unitId] of [
    ['decision link C', 'phong-y-te'],
    ['decision link D', 'thanh-tra-huyen'],
  ] as const) {
    const { reviewUrl } = await inReview(h, unitId);
    add(
      label,
      reviewUrl,
      formOf(await (await fetch(reviewUrl)).text(), { decision: 'approve', confirm: 'yes' }),
    );
  }
  const admin = 'huytq.noivu@song-lam.example.org';
  await postForm(`${h.base}/admin/signin`, { email: admin }, { origin: h.base });
  add('sign-in link E', await mailedLink(h, admin, '/admin/session'), new URLSearchParams());
  return links;
}

describe('mutated links', () => {
  it('over a thousand, of every kind, are refused with 403/404/410 and change nothing', async () => {
    const links = await validLinks();
    const keyring = await keyringPort().load();
    const byKind = categories(links, keyring, h.rt.clock.now());
    const seen = new Set<string>();
    const mutations: Mutation[] = [];
    for (const arbitrary of Object.values(byKind)) {
      for (const m of fc.sample(arbitrary, { seed: SEED, numRuns: 150 })) {
        if (isValidLink(m.target, links) || seen.has(m.target)) continue;
        seen.add(m.target);
        mutations.push(m);
      }
    }
    const counts = Object.fromEntries(
      Object.keys(byKind).map((k) => [k, mutations.filter((x) => x.kind === k).length]),
    );
    expect(mutations.length).toBeGreaterThanOrEqual(1000);
    // Some kinds have few distinct cases (five links on two other routes); each is there.
    for (const [kind, count] of Object.entries(counts)) expect(count, kind).toBeGreaterThanOrEqual(10);

    // Each rendering carries a fresh write id (a nonce): everything else must be as it was.
    const pages = async () =>
      Promise.all(
        links.map(async (l) =>
          (await (await fetch(`${h.base}${targetOf(l.path, l.params)}`)).text()).replace(
            /name="writeId" value="[^"]*"/g,
            'name="writeId"',
          ),
        ),
      );
    const before = { table: await h.snapshot(), mails: (await h.mails()).length, pages: await pages() };

    const wrong: string[] = [];
    const bodyFor = (target: string): URLSearchParams => {
      const path = new URL(target, 'http://x').pathname;
      return links.find((l) => l.path === path)?.body ?? new URLSearchParams();
    };
    await pool(mutations, 4, async (mut) => {
      const url = `${h.base}${mut.target}`;
      for (const method of ['GET', 'POST'] as const) {
        const res =
          method === 'GET'
            ? await fetch(url, { redirect: 'manual' })
            : await postForm(url, bodyFor(mut.target), { origin: h.base });
        const text = await res.text();
        // Refused as a link (not, say, for its origin or its form); a 404 is a path no route has.
        const linkPage = res.status === 404 || text.includes('Liên kết');
        if (!mut.expected.includes(res.status) || !linkPage)
          wrong.push(`${mut.kind} (${mut.what}) ${method} → ${res.status}`);
      }
    });
    expect(wrong).toEqual([]);

    expect(await h.snapshot()).toBe(before.table);
    expect((await h.mails()).length).toBe(before.mails);
    expect(await pages()).toEqual(before.pages);
    // Thousands of refusals logged, and no signature among them.
    const logged = h.output.join('');
    for (const l of links) expect(logged.includes(l.params.s), `${l.label}'s signature logged`).toBe(false);
  }, 300_000);
});
