/**
 * The home page (the district, the virtual clock, the next event, launch and clock buttons, a new
 * council vote, the scoring-inputs form, who is being waited for) and the actions its buttons
 * post: launch, advance, revote. A browser is answered with 303 to `/` and a notice; a client
 * sending `Accept: application/json` with the outcome as JSON (what the terminal commands print).
 */
import { toZonedIso, zonedInstant } from '#domain/calendar';
import { type HttpRequest, type HttpResponse, PageError, redirect } from '#web/http';
import { e, type Html } from '#web/pages';
import type { AdvanceOutcome, ProductControl, RevoteOffer } from '../control.ts';
import { json, localDateTime, page, TIME_ZONE, wantsJson } from './common.ts';
import { recordForm } from './record.ts';

/**
 * `to` of `POST /local/advance`: `yyyy-mm-dd` is 08:00 that day on the district's clock (the
 * working day's start, when the calendar's windows open), `yyyy-mm-ddTHH:mm` that wall time, or
 * an ISO instant with a zone.
 */
export function parseAdvanceTarget(value: string, timeZone = TIME_ZONE): Date {
  // dd/mm/yyyy [HH:mm], as every page writes dates, or yyyy-mm-dd[THH:mm].
  const vn = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}:\d{2}))?$/.exec(value.trim());
  const v = vn ? `${vn[3]}-${vn[2]}-${vn[1]}${vn[4] ? `T${vn[4]}` : ''}` : value.trim();
  const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?$/.exec(v);
  let ms: number;
  if (local) {
    const [, date = '', time = '08:00'] = local;
    ms = Date.parse(zonedInstant(date, time, timeZone));
    // A date that does not exist (31/02) or a wall time skipped by a clock change does not round-trip.
    const check = Number.isNaN(ms) ? '' : toZonedIso(ms, timeZone);
    if (check.slice(0, 10) !== date || check.slice(11, 16) !== time) ms = Number.NaN;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    ms = Date.parse(v);
  } else {
    ms = Number.NaN;
  }
  if (Number.isNaN(ms)) {
    throw new PageError(
      400,
      'Ngày không hợp lệ',
      `"${value.trim()}" không phải một ngày hợp lệ: viết dd/mm/yyyy (ví dụ 05/10/2022), có thể thêm giờ HH:mm.`,
    );
  }
  return new Date(ms);
}

/** Notices that sent mail end with a link to the inbox. */
const TO_INBOX = new Set(['launched', 'moved', 'revoted']);

/** An execution's status as the admin reads it (Step Functions' code kept in the tooltip). */
const STATUS_LABELS: Record<string, string> = {
  SUCCEEDED: 'Hoàn thành',
  RUNNING: 'Đang chạy',
  FAILED: 'Thất bại',
  TIMED_OUT: 'Quá thời gian',
  ABORTED: 'Đã dừng',
};
const statusText = (status: string) =>
  `<span title="${e(status)}">${e(STATUS_LABELS[status] ?? status)}</span>`;

const NOTICES: Record<string, (q: URLSearchParams) => string> = {
  launched: (q) =>
    `Đã phát động phong trào (${q.get('emails') ?? '0'} email mới, ${q.get('schedules') ?? '0'} lịch sự kiện).`,
  'already-launched': () => 'Phong trào đã được phát động trước đó; không gửi lại email nào.',
  'launch-failed': (q) => `Phát động không thành công: ${q.get('status') ?? ''}. Xem nhật ký trên terminal.`,
  moved: (q) =>
    `Đã chuyển đồng hồ đến ${q.get('at') ?? ''}; ${q.get('fired') ?? '0'} sự kiện đã chạy, ${q.get('emails') ?? '0'} email mới.`,
  'no-event': () => 'Không còn sự kiện nào đã lên lịch.',
  revoted: (q) =>
    `Đã tổ chức bỏ phiếu lại (${q.get('name') ?? ''}): ${q.get('emails') ?? '0'} email mới mời Hội đồng bỏ phiếu.`,
};

export async function homePage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const s = await control.status();
  const offers = await control.revoteOffers();
  const done = request.query.get('done');
  const notice =
    done && NOTICES[done]
      ? `<div class="notice ${done === 'launch-failed' ? 'error' : 'ok'}" role="status"><p>${e(NOTICES[done](request.query))}${
          TO_INBOX.has(done) ? ' <a href="/inbox">Xem hộp thư</a>.' : ''
        }</p></div>`
      : '';
  const next = s.nextEvent
    ? `<p>Sự kiện tiếp theo: <strong>${e(s.nextEvent.local)}</strong> — ${e(s.nextEvent.description)}</p>`
    : '<p>Chưa có sự kiện nào được lên lịch' +
      (s.launched ? '.' : ': hãy phát động phong trào trước.') +
      '</p>';
  const waiting = s.waitingFor.length
    ? `<h2>Đang chờ người xử lý</h2><div class="table-wrap"><table><thead><tr><th>Quy trình</th><th>Bước</th><th>Từ</th><th>Hết hạn chờ</th></tr></thead><tbody>${s.waitingFor
        .slice(0, 100)
        .map(
          (w) =>
            `<tr><td>${e(w.execution)}</td><td>${e(w.state)}</td><td>${e(localDateTime(w.since))}</td><td>${w.timeoutAt ? e(localDateTime(w.timeoutAt)) : ''}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const recent = s.executions.recent.length
    ? `<h2>Quy trình gần đây</h2><div class="table-wrap"><table><thead><tr><th>Tên</th><th>Trạng thái</th><th>Bắt đầu</th></tr></thead><tbody>${s.executions.recent
        .slice(0, 20)
        .map(
          (x) =>
            `<tr><td>${e(x.name)}</td><td>${statusText(x.status)}${x.error ? ` <span class="muted">${e(x.error)}</span>` : ''}</td><td>${e(localDateTime(x.startDate))}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const admins = control.admins.map((a) => `${e(a.name)} &lt;${e(a.email)}&gt;`).join(', ');
  const body = `
<h1>Phong trào thi đua CCHC — ${e(s.district.name)}</h1>
<p class="muted">Bản chạy trên máy này: dữ liệu, lịch và đồng hồ được giữ qua các lần khởi động lại.</p>
${notice}
<h2>Đồng hồ (múi giờ ${e(s.clock.timeZone)})</h2>
<p class="clock">${e(s.clock.local)}</p>
${next}
<form method="post" action="/local/advance" class="inline"><button type="submit">Chuyển đến sự kiện tiếp theo</button></form>
<form method="post" action="/local/advance" class="inline"><label for="to">hoặc đến ngày</label><input id="to" name="to" type="text" placeholder="dd/mm/yyyy" required><button type="submit" class="secondary">Chuyển</button></form>
<h2>Phát động</h2>
<p>${s.launched ? 'Phong trào đã được phát động.' : 'Phong trào chưa được phát động.'}${s.launch ? ` <span class="muted">${e(s.launch.name)}: ${statusText(s.launch.status)}</span>` : ''}</p>
<form method="post" action="/local/launch" class="inline"><button type="submit">Phát động phong trào</button></form>
${revoteSection(offers)}
${recordForm('', [])}
<h2>Liên kết</h2>
<ul>
<li><a href="/inbox">Hộp thư: mọi email đã gửi</a> — ${e(s.emails)} email</li>
<li><a href="/admin">Đăng nhập quản trị</a> — quản trị viên: ${admins || '(không có)'}</li>
<li><a href="/local/status">Trạng thái dạng JSON</a></li>
</ul>
<p class="muted">Từ terminal: <code>npm start -- launch</code>, <code>npm start -- advance [--to dd/mm/yyyy]</code>, <code>npm start -- status</code>, <code>npm start -- record --file examples/adjustments-2022Q3.yaml</code>.</p>
${waiting}
${recent}`;
  return page(control, `Thi đua CCHC — ${s.district.name}`, body);
}

function advanceTarget(request: HttpRequest, control: ProductControl): Date | undefined {
  const to = request.form.get('to') ?? request.query.get('to') ?? undefined;
  return to?.trim() ? parseAdvanceTarget(to, control.district.timeZone) : undefined;
}

export async function launchAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const r = await control.launch();
  if (wantsJson(request)) return json(r.status === 'FAILED' || r.status === 'TIMED_OUT' ? 500 : 200, r);
  const done =
    r.status !== 'SUCCEEDED' && r.status !== 'RUNNING'
      ? 'launch-failed'
      : r.outcome === 'already-launched'
        ? 'already-launched'
        : 'launched';
  return redirect(
    `/?${new URLSearchParams({ done, emails: String(r.newEmails), schedules: String(r.schedules), status: r.status })}`,
  );
}

export async function advanceAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const to = advanceTarget(request, control);
  let r: AdvanceOutcome;
  try {
    r = await control.advance(to);
  } catch (error) {
    if (/cannot go back/.test((error as Error).message)) {
      throw new PageError(
        400,
        'Không thể lùi đồng hồ',
        'Đồng hồ chỉ chạy tới, không lùi lại được. Hãy chọn một ngày sau thời điểm hiện tại.',
      );
    }
    throw error;
  }
  if (wantsJson(request)) return json(200, r);
  return redirect(
    `/?${new URLSearchParams(
      r.outcome === 'no-event'
        ? { done: 'no-event' }
        : {
            done: 'moved',
            at: r.local,
            fired: String(r.fired.filter((f) => !f.recurring).length),
            emails: String(r.newEmails),
          },
    )}`,
  );
}

// ---------------------------------------------------------------- a new council vote

/** One button per year (or the phase) whose last council vote had no quorum; nothing otherwise. */
export function revoteSection(offers: readonly RevoteOffer[]): Html {
  if (offers.length === 0) return '';
  const items = offers
    .map(
      (
        o,
      ) => `<div class="notice warn"><p>Biểu quyết khen thưởng ${e(o.label)} (${e(o.lastCycleId)}): ${e(o.outcome)}</p>
<form method="post" action="/local/revote" class="inline"><input type="hidden" name="cycle" value="${e(o.scopeId)}"><button type="submit">Tổ chức bỏ phiếu lại – lần ${e(o.nextRound)} (mã đợt ${e(o.nextCycleId)})</button></form></div>`,
    )
    .join('\n');
  return `<h2>Hội đồng Thi đua – Khen thưởng</h2>
<p class="muted">Không đủ số thành viên tham gia thì không trường hợp nào được thông qua; quản trị viên có thể mời Hội đồng bỏ phiếu lại, với đề xuất được lập lại từ kết quả mới nhất của từng kỳ. Từ terminal: <code>npm start -- revote --cycle &lt;năm|phase&gt;</code>.</p>
${items}`;
}

export async function revoteAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const cycle = (request.form.get('cycle') ?? request.query.get('cycle') ?? '').trim();
  const r = await control.revote(cycle);
  if (wantsJson(request)) return json(r.outcome === 'refused' ? 409 : 200, r);
  if (r.outcome === 'refused') {
    throw new PageError(409, 'Không thể tổ chức bỏ phiếu lại', r.reason ?? '');
  }
  return redirect(
    `/?${new URLSearchParams({ done: 'revoted', name: r.name ?? '', emails: String(r.newEmails) })}`,
  );
}
