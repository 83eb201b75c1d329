/**
 * The product's own static files for its pages (functions/web/assets/): the report form's script
 * and style sheet. Served by the product itself, so the pages' CSP can say `'self'` and nothing
 * else. Read on first use, relative to this module: a bundle that serves them carries the folder
 * beside it (docs/unit-pages.md, "Assets").
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const TYPES = {
  'report-form.js': 'text/javascript; charset=utf-8',
  'report-form.css': 'text/css; charset=utf-8',
} as const;

export type AssetName = keyof typeof TYPES;

/** Where the pages link them. */
export const ASSET_PATH = '/assets';

export const REPORT_FORM_ASSETS = {
  script: `${ASSET_PATH}/report-form.js`,
  style: `${ASSET_PATH}/report-form.css`,
} as const;

export interface Asset {
  body: string;
  contentType: string;
  /** A strong validator: the content's hash, so a browser revalidates instead of refetching. */
  etag: string;
}

const cache = new Map<AssetName, Asset>();

export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(TYPES, name);
}

export function readAsset(name: AssetName): Asset {
  let asset = cache.get(name);
  if (!asset) {
    const body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    asset = { body, contentType: TYPES[name], etag };
    cache.set(name, asset);
  }
  return asset;
}
