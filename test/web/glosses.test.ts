/**
 * The unit's, the reviewer's, the admin's and the error pages read in Vietnamese with no English
 * glosses in brackets beside it (DOMAIN.md: English would be a language of its own, never a gloss).
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { revoteSection } from '#local/product/pages/home';
import { errorResponse, FormError, type HttpEvent, httpHandler, LinkError } from '#web/http';
import { renderReportPage } from '#web/report-page';
import { renderDecidedReviewPage } from '#web/review-decided';
import { renderReviewPage } from '#web/review-page';
import { GLOSS, readable } from '../helpers/glosses.ts';
import { adminGallery } from './admin-gallery.ts';
import { config, formOf, fullScores, officeSet, period, reportWith, unit } from './fixtures.ts';

/** File formats are names, not glosses: "Bảng tổng hợp điểm (XLSX)". */
const FORMAT = /\((XLSX|CSV|DOCX|PDF)\)/g;

const report = reportWith(fullScores());
const stored = { status: 'submitted' as const, version: 2, updatedAt: '2022-10-10T01:00:00Z', report };
const base = { authority: config.district.authority, unit, period, set: officeSet };
const reviewer = config.reviewers[0];

const pages: [string, string][] = [
  ['a new report', renderReportPage({ ...base, version: 0, now: new Date('2022-10-12T03:00:00Z') })],
  [
    'a refused report',
    renderReportPage({
      ...base,
      version: 1,
      raw: formOf({ 'score[1.1.1]': '7' }),
      problems: [
        { field: 'selfcheck-confirmed', message: 'Phần tự kiểm tra 05T chưa đánh dấu nội dung nào.' },
      ],
      offerValidDraft: true,
    }),
  ],
  ['a submitted report', renderReportPage({ ...base, version: 2, stored })],
  [
    'the review page',
    renderReviewPage({ ...base, stored, round: 1, rounds: [], ...(reviewer ? { reviewer } : {}) }),
  ],
  [
    'a decided review',
    renderDecidedReviewPage({
      ...base,
      stored,
      round: 1,
      rounds: [],
      decision: { action: 'return', generalComment: 'x' },
    }),
  ],
  ...(['malformed', 'unknown-key', 'bad-signature', 'not-found', 'wrong-kind', 'used'] as const).map(
    (reason): [string, string] => [`a ${reason} link`, errorResponse(new LinkError(403, reason)).body ?? ''],
  ),
  ...(['expired', 'closed'] as const).map((reason): [string, string] => [
    `an ${reason} link`,
    errorResponse(new LinkError(410, reason)).body ?? '',
  ]),
  ['a form error', errorResponse(new FormError([{ field: '', message: 'Thiếu điểm.' }])).body ?? ''],
  ['a server error', errorResponse(new Error('boom')).body ?? ''],
  [
    "the local home page's new council vote",
    revoteSection([
      {
        scopeId: '2023',
        label: 'năm 2023',
        lastCycleId: '2023',
        nextCycleId: '2023-2',
        nextRound: 2,
        outcome: 'Không đủ số thành viên tham gia (5/8, cần 6).',
      },
    ]),
  ],
];

describe.each(adminGallery())('the admin page %s', (_name, html) => {
  it('has no English gloss in brackets', () => {
    expect(readable(html).replace(FORMAT, '')).not.toMatch(GLOSS);
  });
});

describe.each(pages)('%s', (_name, html) => {
  it('has no English gloss in brackets', () => {
    expect(html.length).toBeGreaterThan(100);
    expect(readable(html)).not.toMatch(GLOSS);
  });
});

describe('refused requests', () => {
  const handler = httpHandler(async () => ({ status: 200, body: 'ok' }), { name: 'gloss-test' });
  const requests: [string, Record<string, unknown>][] = [
    ['another method', { requestContext: { http: { method: 'PUT' } } }],
    [
      'another encoding',
      {
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    ],
    [
      'a form too large',
      {
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `a=${'x'.repeat(600_000)}`,
      },
    ],
  ];
  it.each(requests)('%s is refused in Vietnamese only', async (_name, event) => {
    // Casts at the Lambda boundary: the middleware reads only these parts of the event.
    const result = await handler({ rawPath: '/r', ...event } as unknown as HttpEvent, {} as Context);
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(readable(String(result.body))).not.toMatch(GLOSS);
  });
});
