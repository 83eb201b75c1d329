/**
 * Signed links to the pages (DESIGN.md, "Approval by email link"): the keyring from
 * functions/ports/keyring.ts, the page by the approval's kind, the site from `BASE_URL`.
 */
import { keyring } from './keyring.ts';
import { currentKey, signLink } from './links.ts';
import type { Approval, ApprovalKind } from './reviews.ts';
import { baseUrl } from './settings.ts';

/** The pages that signed links open. */
export type LinkPath = '/r' | '/d' | '/admin/session' | '/u/session';

/**
 * Which page an approval's link opens. The link's action (`a`) is the approval's kind, so the
 * page checks `link.action === approval.kind` after the signature.
 */
export const LINK_PATHS: Record<ApprovalKind, LinkPath> = {
  report: '/r',
  appraise: '/d',
  explain: '/d',
  vote: '/d',
  signin: '/admin/session',
};

/** An absolute signed URL, e.g. `https://…/d?k=…&id=…&a=…&e=…&s=…`. Never log it. */
export async function signedUrl(
  path: LinkPath,
  link: { approvalId: string; action: string; expiresAt: Date | string | number },
): Promise<string> {
  const signed = signLink(link, currentKey(await keyring().load()));
  return `${baseUrl()}${path}?${signed.query}`;
}

/**
 * The signed link of an approval: its page by kind, action = kind, expiry = the approval's own
 * (so the same approval always gives the same link while the signing key is unchanged).
 */
export function approvalUrl(approval: Pick<Approval, 'id' | 'kind' | 'expiresAt'>): Promise<string> {
  return signedUrl(LINK_PATHS[approval.kind], {
    approvalId: approval.id,
    action: approval.kind,
    expiresAt: approval.expiresAt,
  });
}

/** The id of the key new links are signed with (stored on each approval). */
export async function currentKeyId(): Promise<string> {
  return (await keyring().load()).current;
}
