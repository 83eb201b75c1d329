/**
 * A small site for the browser tests of the unit's pages: the pages rendered from view models of
 * the demo district (test/web/fixtures.ts), the product's asset files, axe-core, and stand-ins for
 * the handlers that are not wired yet — the report's POST (autosave answered as the handler will,
 * by the product's own parse and answer functions; a click re-rendering the page or saying it was
 * submitted) and the evidence presign/verify calls through the real S3 port on the S3 emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { proposeCommendations } from '#domain/commendation';
import { GROUP_LABELS } from '#domain/model';
import { reportChanges } from '#domain/report';
import { computePeriodResults } from '#domain/scoring';
import type { CycleHeader, StoredCycle } from '#functions/commendation/award';
import { type S3Emulator, startS3Emulator } from '#local/runtime/s3';
import { EvidenceInputError } from '#ports/evidence';
import { S3EvidenceFiles } from '#ports/s3-evidence';
import { isAssetName, REPORT_FORM_ASSETS, REVIEW_FORM_ASSETS, readAsset } from '#web/assets';
import { contentSecurityPolicy, SECURITY_HEADERS } from '#web/http';
import { statusPage } from '#web/pages';
import { parseReportForm } from '#web/report-form';
import { type ReportPageModel, renderReportPage } from '#web/report-page';
import { autosaveResponse, isAutosave } from '#web/report-save';
import { renderUnitResultsPage, unitResultsView } from '#web/results-page';
import { renderDecidedReviewPage } from '#web/review-decided';
import { renderReviewPage } from '#web/review-page';
import { renderVoteConfirmation, renderVotePage, voteField } from '#web/vote-page';
import {
  config,
  fullScores,
  must,
  officeSet,
  officeUnits,
  period,
  reportWith,
  unit,
} from '../web/fixtures.ts';

const BUCKET = 'thidua-evidence-e2e';
const BEFORE_DEADLINE = new Date('2022-10-05T03:00:00Z');
const AFTER_DEADLINE = new Date('2022-10-12T03:00:00Z');

export interface Post {
  path: string;
  form: URLSearchParams;
  accept: string;
}

export interface UnitSite {
  url: string;
  /** Every POST to a report page, in order. */
  posts: Post[];
  /** The version stored per report page: raise it to play "someone else saved". */
  versions: Map<string, number>;
  close(): Promise<void>;
}

const appraisal = {
  unitId: unit.id,
  periodId: period.id,
  criteriaSetId: officeSet.id,
  reviewerId: 'nguyen-van-thanh',
  entries: Object.fromEntries(
    Object.entries(fullScores()).map(([id, max]) => [
      id,
      id === '1.1.1' || id === '3.2.1'
        ? { score: 0, comment: `Tiêu chí ${id}: chưa có minh chứng.` }
        : { score: max, comment: '' },
    ]),
  ),
};

function draft(scores: Record<string, number>, extra = {}) {
  return {
    status: 'draft' as const,
    version: 4,
    updatedAt: '2022-10-04T02:30:00Z',
    report: reportWith(scores, extra),
  };
}

/**
 * A report filled in full, as a unit that writes everything leaves it: every criterion at its
 * maximum with a ~400-character explanation, two references of every part and an uploaded file;
 * a summary, two initiatives and two nominations.
 */
export function filledReport() {
  const explanation = (id: string) =>
    `Tiêu chí ${id}: đơn vị đã triển khai đầy đủ. ${'Kế hoạch được ban hành đúng hạn, phân công rõ trách nhiệm, có kiểm tra, đôn đốc và báo cáo kết quả định kỳ hằng quý. '.repeat(3)}`;
  const report = reportWith(fullScores(), {
    summary: 'Hoàn thành các nhiệm vụ cải cách hành chính trong kỳ.',
    response: 'Đã bổ sung minh chứng cho tiêu chí 1.1.1 và 3.2.1.',
    initiatives: [
      {
        id: 'sk-1',
        title: 'Một cửa điện tử',
        description: 'Tiếp nhận hồ sơ trực tuyến.',
        effect: 'Rút ngắn thời gian.',
      },
      { id: 'sk-2', title: 'Số hóa hồ sơ', description: 'Số hóa hồ sơ lưu trữ.', effect: 'Tra cứu nhanh.' },
    ],
  });
  for (const [id, entry] of Object.entries(report.entries)) {
    entry.explanation = explanation(id);
    entry.evidence = [
      {
        number: `12/KH-TP`,
        date: '2022-01-10',
        issuer: 'Phòng Tư pháp',
        title: `Kế hoạch thực hiện tiêu chí ${id}`,
      },
      {
        number: `45/BC-TP`,
        date: '2022-09-20',
        issuer: 'Phòng Tư pháp',
        url: 'https://vanban.example.org/45-bc-tp',
        title: 'Báo cáo kết quả quý III',
      },
      {
        file: {
          key: `evidence/${unit.id}/${period.id}/r1/${'0'.repeat(32)}-minh-chung-${id.replace(/\./g, '-')}.pdf`,
          versionId: 'v1',
          name: `Minh chứng ${id}.pdf`,
          size: 120_000,
          type: 'application/pdf',
        },
      },
    ];
  }
  return report;
}

/** The report pages by path: a draft, a late one, a full one ready to submit, a returned one. */
function reportModel(path: string, query: URLSearchParams, version: number): ReportPageModel | undefined {
  const base = {
    authority: config.district.authority,
    unit,
    period,
    set: officeSet,
    version,
    assets: REPORT_FORM_ASSETS,
    now: BEFORE_DEADLINE,
  };
  switch (path) {
    case '/r/nhap':
      return { ...base, stored: { ...draft({ '1.1.1': 100, '1.2.1': 10 }), version } };
    case '/r/muon':
      return { ...base, now: AFTER_DEADLINE, stored: { ...draft({}), version } };
    case '/r/du': {
      const selfCheck = { t05: [true, true, true, true, true], k05: [false, false, false, false, false] };
      return { ...base, stored: { ...draft(fullScores(), { selfCheck }), version } };
    }
    case '/r/tra-lai':
      return {
        ...base,
        stored: { ...draft(fullScores()), status: 'returned', version },
        rounds: [
          {
            round: 1,
            appraisal: { appraisal, round: 1, approvalId: 'a1', recordedAt: '2022-10-14T02:00:00Z' },
          },
        ],
        view: query.get('xem') === 'nhan-xet' ? 'commented' : 'all',
        viewLinks: { all: '/r/tra-lai', commented: '/r/tra-lai?xem=nhan-xet' },
      };
    case '/r/tra-lai-day-du':
      return {
        ...base,
        stored: { ...draft({}), report: filledReport(), status: 'returned', version },
        rounds: [
          {
            round: 1,
            appraisal: { appraisal, round: 1, approvalId: 'a1', recordedAt: '2022-10-14T02:00:00Z' },
          },
        ],
        view: query.get('xem') === 'nhan-xet' ? 'commented' : 'all',
        viewLinks: { all: '/r/tra-lai-day-du', commented: '/r/tra-lai-day-du?xem=nhan-xet' },
      };
    default:
      return undefined;
  }
}

/** The period's results for the office group, every unit approved at full marks (surveys apart). */
function officeResults() {
  const inputs = Object.fromEntries(
    officeUnits.map((u, i) => [
      u.id,
      { status: 'approved' as const, appraised: fullScores(), survey: 1500 + i * 120 },
    ]),
  );
  return computePeriodResults({
    periodId: period.id,
    units: officeUnits,
    inputs,
    setsByGroup: { office: officeSet },
  });
}

function resultsPage(): string {
  const results = officeResults();
  const line = must(
    results.units.find((l) => l.unitId === unit.id),
    'the unit’s line',
  );
  const view = unitResultsView({
    periodLabel: 'Quý III/2022',
    groupLabel: GROUP_LABELS.office,
    setMax: officeSet.max,
    versions: [
      {
        version: 1,
        publishedAt: '2022-10-21T10:00:00Z',
        reason: { trigger: 'close' },
        line,
        rankedInGroup: officeUnits.length,
      },
    ],
    groupLines: results.units,
    unitNames: new Map(config.units.map((u) => [u.id, u.name])),
  });
  return renderUnitResultsPage({ authority: config.district.authority, unitName: unit.name, view });
}

function decidedPage(): string {
  return renderDecidedReviewPage({
    authority: config.district.authority,
    unit,
    period,
    set: officeSet,
    stored: {
      status: 'returned',
      version: 4,
      updatedAt: '2022-10-11T01:00:00Z',
      report: reportWith(fullScores()),
    },
    round: 1,
    rounds: [],
    decision: {
      action: 'return',
      decidedAt: '2022-10-14T02:00:00Z',
      appraisal,
      generalComment: 'Bổ sung minh chứng.',
    },
  });
}

/**
 * Round 1's review page of a report claiming every maximum, its first criterion explained at
 * length with two references (folded on the page), with the page's script.
 */
function firstRoundPage(): string {
  const report = reportWith(fullScores());
  const first = must(report.entries['1.1.1'], 'criterion 1.1.1');
  report.entries['1.1.1'] = {
    ...first,
    explanation: `Phòng đã ban hành kế hoạch cải cách hành chính năm 2022. ${'Triển khai đầy đủ, đúng thời hạn, có kiểm tra và báo cáo định kỳ. '.repeat(6)}`,
    evidence: [
      { number: '12/KH-TP', date: '2022-01-10', issuer: 'Phòng Tư pháp', title: 'Kế hoạch CCHC năm 2022' },
      { url: 'https://vanban.example.org/12-kh-tp', title: 'Văn bản trên cổng thông tin' },
    ],
  };
  return renderReviewPage({
    authority: config.district.authority,
    unit,
    period,
    set: officeSet,
    stored: { status: 'in-review', version: 3, updatedAt: '2022-10-10T02:00:00Z', report },
    round: 1,
    rounds: [],
    writeId: 'w-1',
    assets: REVIEW_FORM_ASSETS,
  });
}

/** Round 2's review page: round 1 returned the report, the unit lowered one score and added a reference. */
function secondRoundPage(): string {
  const seen = reportWith(fullScores());
  const explained = reportWith({ ...fullScores(), '3.2.1': 0 }, { summary: 'Đã bổ sung minh chứng.' });
  const first = must(explained.entries['1.1.1'], 'criterion 1.1.1');
  explained.entries['1.1.1'] = { ...first, evidence: [{ number: '05/KH-UBND', date: '2022-01-10' }] };
  return renderReviewPage({
    authority: config.district.authority,
    unit,
    period,
    set: officeSet,
    stored: { status: 'in-review', version: 6, updatedAt: '2022-10-18T02:00:00Z', report: explained },
    round: 2,
    rounds: [
      {
        round: 1,
        appraisal: {
          appraisal,
          round: 1,
          reportVersion: 4,
          approvalId: 'a-1',
          recordedAt: '2022-10-14T02:00:00Z',
        },
        generalComment: 'Bổ sung minh chứng.',
        decidedAt: '2022-10-14T02:00:00Z',
        explanation: 'Đã bổ sung kế hoạch số 05/KH-UBND; tiêu chí 3.2.1 không thực hiện trong kỳ.',
        explainedAt: '2022-10-17T02:00:00Z',
      },
    ],
    changes: { ...reportChanges(seen, explained, officeSet), round: 1, version: 4 },
    writeId: 'w-2',
    assets: REVIEW_FORM_ASSETS,
  });
}

/** A council member's ballot (`/phieu`) and its confirmation (`/phieu/xac-nhan`), on a proposal the domain made. */
function ballotPages(): { ballot: string; confirmation: string } {
  const proposal = proposeCommendations({
    results: officeResults().units,
    units: config.units,
    nominations: [],
    settings: config.commendation,
    issuerLevel: config.commendation.issuerLevel,
    onDate: '2022-12-20',
    timeZone: config.district.timeZone,
  });
  const council = config.commendation.council;
  const header: CycleHeader = {
    cycleId: '2022',
    kind: 'year',
    scopeId: '2022',
    periodIds: [period.id],
    sources: [{ periodId: period.id, version: 1 }],
    proposedAt: '2022-12-20T02:00:00Z',
    onDate: '2022-12-20',
    voteClosesAt: '2022-12-27T02:00:00Z',
    memberIds: config.council.map((m) => m.id),
    council: { quorum: council.quorum, passPercent: council.passPercent, voteDays: council.voteDays },
    issuer: proposal.issuer,
    ballot: proposal.ballot,
    tiesForCouncil: proposal.tiesForCouncil,
    warnings: proposal.warnings,
    candidateIds: proposal.candidates.map((c) => c.id),
  };
  const cycle: StoredCycle = {
    header,
    candidates: new Map(
      proposal.candidates.map((candidate) => [
        candidate.id,
        {
          cycleId: '2022',
          candidateId: candidate.id,
          version: 1,
          proposal: { candidate },
          updatedAt: header.proposedAt,
        },
      ]),
    ),
    versions: new Map(),
  };
  const member = must(config.council[0], 'a council member');
  const model = {
    authority: config.district.authority,
    cycleLabel: 'năm 2022',
    memberName: member.name,
    cycle,
    header,
    writeId: 'w-3',
  };
  const votes = Object.fromEntries(
    header.ballot.map((id, i) => [id, i === 0 ? ('no' as const) : ('yes' as const)]),
  );
  const form = new URLSearchParams([
    ['writeId', 'w-3'],
    ...header.ballot.map((id) => [voteField(id), votes[id] ?? 'yes'] as [string, string]),
  ]);
  return { ballot: renderVotePage(model), confirmation: renderVoteConfirmation({ ...model, votes, form }) };
}

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(text);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8' });
}

export async function startUnitSite(): Promise<UnitSite> {
  const posts: Post[] = [];
  const versions = new Map<string, number>();
  const dataDir = mkdtempSync(join(tmpdir(), 'thidua-unit-site-'));
  let s3: S3Emulator | undefined;
  let files: S3EvidenceFiles | undefined;
  // The reviewer's page runs the product's script and posts nowhere else (functions/http/decision.ts).
  const reviewCsp = contentSecurityPolicy({ script: true });
  const formCsp = () => contentSecurityPolicy({ script: true, connect: s3 ? [s3.url] : [] });
  const html = { 'content-type': 'text/html; charset=utf-8' };

  const reportPost = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const form = await body(req);
    posts.push({ path, form, accept: req.headers.accept ?? '' });
    const stored = versions.get(path) ?? 4;
    const mode = form.get('action') === 'submit' ? 'submit' : 'draft';
    const parsed = parseReportForm(form, {
      unitId: unit.id,
      periodId: period.id,
      set: officeSet,
      now: BEFORE_DEADLINE,
      mode,
      // The files the filled report cites stay citable, as the handler passes the stored report.
      ...(path === '/r/tra-lai-day-du' ? { previous: filledReport() } : {}),
    });
    if (isAutosave({ form, headers: { accept: req.headers.accept ?? '' } })) {
      if (parsed.version !== stored) {
        const answer = autosaveResponse({ kind: 'conflict', currentVersion: stored });
        return send(res, answer.status, answer.body ?? '', answer.headers ?? {});
      }
      versions.set(path, stored + 1);
      const answer = autosaveResponse({
        kind: 'saved',
        version: stored + 1,
        savedAt: new Date().toISOString(),
        problems: parsed.problems,
      });
      return send(res, answer.status, answer.body ?? '', answer.headers ?? {});
    }
    if (parsed.problems.length > 0) {
      const model = must(reportModel(path, new URLSearchParams(), stored), 'report page');
      const page = renderReportPage({
        ...model,
        raw: form,
        report: parsed.report,
        problems: parsed.problems,
        offerValidDraft: true,
      });
      return send(res, 422, page, { ...html, 'content-security-policy': formCsp() });
    }
    const page = statusPage({ status: 200, title: 'Đã nộp báo cáo', detail: 'Báo cáo đã được nộp.' });
    return send(res, 200, page, html);
  };

  const evidence = async (req: IncomingMessage, res: ServerResponse, action: string) => {
    const form = await body(req);
    const owner = { unitId: unit.id, periodId: period.id, round: 1 };
    const port = must(files, 'the evidence port');
    try {
      if (action === 'presign') {
        const signed = await port.presignUpload({
          ...owner,
          fileName: form.get('fileName') ?? '',
          contentType: form.get('contentType') ?? '',
          size: Number(form.get('size')),
        });
        return json(res, 200, {
          status: 'ready',
          message: '',
          url: signed.url,
          fields: signed.fields,
          key: signed.key,
        });
      }
      const checked = await port.verifyUpload(form.get('key') ?? '', owner);
      if (checked.status === 'refused') return json(res, 422, { status: 'refused', message: checked.vi });
      return json(res, 200, { status: 'accepted', message: '', file: checked.file });
    } catch (error) {
      if (error instanceof EvidenceInputError)
        return json(res, 422, { status: 'refused', message: error.vi });
      throw error;
    }
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    const route = async () => {
      if (req.method === 'POST' && url.pathname.startsWith('/r/')) return reportPost(req, res, url.pathname);
      if (req.method === 'POST' && url.pathname.startsWith('/evidence/'))
        return evidence(req, res, url.pathname.slice('/evidence/'.length));
      const model = reportModel(url.pathname, url.searchParams, versions.get(url.pathname) ?? 4);
      if (model)
        return send(res, 200, renderReportPage(model), { ...html, 'content-security-policy': formCsp() });
      if (url.pathname === '/r/tep') {
        const upload = { presignUrl: '/evidence/presign', verifyUrl: '/evidence/verify' };
        const page = renderReportPage({
          ...must(reportModel('/r/nhap', url.searchParams, 4), 'draft'),
          upload,
        });
        return send(res, 200, page, { ...html, 'content-security-policy': formCsp() });
      }
      if (url.pathname === '/ket-qua') return send(res, 200, resultsPage(), html);
      if (url.pathname === '/tham-dinh') return send(res, 200, decidedPage(), html);
      if (url.pathname === '/tham-dinh/vong-1')
        return send(res, 200, firstRoundPage(), { ...html, 'content-security-policy': reviewCsp });
      if (url.pathname === '/tham-dinh/vong-2')
        return send(res, 200, secondRoundPage(), { ...html, 'content-security-policy': reviewCsp });
      if (url.pathname === '/phieu') return send(res, 200, ballotPages().ballot, html);
      if (url.pathname === '/phieu/xac-nhan') return send(res, 200, ballotPages().confirmation, html);
      const name = url.pathname.slice('/assets/'.length);
      if (url.pathname.startsWith('/assets/') && isAssetName(name)) {
        const asset = readAsset(name);
        return send(res, 200, asset.body, { 'content-type': asset.contentType, etag: asset.etag });
      }
      return send(res, 404, 'not found', { 'content-type': 'text/plain' });
    };
    route().catch((error: unknown) => send(res, 500, String(error), { 'content-type': 'text/plain' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // listen() on a TCP port always gives an AddressInfo
  const url = `http://127.0.0.1:${port}`;
  s3 = await startS3Emulator({ dataDir, buckets: [BUCKET], allowedOrigins: [url] });
  const client = new S3Client({
    region: 'ap-southeast-1',
    endpoint: s3.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  files = new S3EvidenceFiles({ bucket: BUCKET, client });
  const emulator = s3;
  return {
    url,
    posts,
    versions,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
