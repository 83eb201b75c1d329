/**
 * The product's own static files for its pages (functions/web/assets/): the report form's script
 * and style sheet, and the reviewer's page's script (which imports the report form's score
 * helpers, so both read a score as the server does) with the same style sheet. Served by the product itself, so the pages' CSP can say `'self'` and nothing
 * else. From source (locally, tests) they are read on first use, relative to this module; a
 * Lambda bundle carries them inlined by esbuild's `define` of `THIDUA_ASSETS` (infra/handlers.ts,
 * the report page's row), so no file has to travel beside the bundle.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NotFoundError } from '#ports/errors';
import type { HttpRequest, HttpResponse } from './http.ts';

const TYPES = {
  'report-form.js': 'text/javascript; charset=utf-8',
  'report-form.css': 'text/css; charset=utf-8',
  'review-form.js': 'text/javascript; charset=utf-8',
} as const;

export type AssetName = keyof typeof TYPES;

export const ASSET_NAMES: readonly AssetName[] = ['report-form.js', 'report-form.css', 'review-form.js'];

/** Where the pages link them. */
export const ASSET_PATH = '/assets';

export const REPORT_FORM_ASSETS = {
  script: `${ASSET_PATH}/report-form.js`,
  style: `${ASSET_PATH}/report-form.css`,
} as const;

/** The reviewer's page: its running appraised total, in the report form's bar and contents styles. */
export const REVIEW_FORM_ASSETS = {
  script: `${ASSET_PATH}/review-form.js`,
  style: `${ASSET_PATH}/report-form.css`,
} as const;

export interface Asset {
  body: string;
  contentType: string;
  /** A strong validator: the content's hash, so a browser revalidates instead of refetching. */
  etag: string;
}

/** Set by the bundler in a Lambda bundle; absent when running from source. */
declare const THIDUA_ASSETS: Partial<Record<AssetName, string>> | undefined;
const embedded = typeof THIDUA_ASSETS === 'undefined' ? undefined : THIDUA_ASSETS;

const cache = new Map<AssetName, Asset>();

export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(TYPES, name);
}

/** The file's text as it is in the repository (what the bundle's `define` inlines). */
export function assetSource(name: AssetName): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

export function readAsset(name: AssetName): Asset {
  let asset = cache.get(name);
  if (!asset) {
    const body = embedded?.[name] ?? assetSource(name);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    asset = { body, contentType: TYPES[name], etag };
    cache.set(name, asset);
  }
  return asset;
}

/** `GET|HEAD /assets/{name}`: the file, or 304 when the browser's copy is current; 404 otherwise. */
export function assetResponse(request: HttpRequest): HttpResponse {
  const name = request.pathParameters.name ?? '';
  if (!isAssetName(name)) throw new NotFoundError('asset', name);
  const asset = readAsset(name);
  const headers = { etag: asset.etag, 'content-type': asset.contentType };
  if (request.headers['if-none-match'] === asset.etag)
    return { status: 304, body: '', headers, revalidate: true };
  return { status: 200, body: asset.body, headers, revalidate: true };
}
