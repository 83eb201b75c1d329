/**
 * `npm start`: the whole product on one machine, for one district (the demo by default), and the
 * terminal commands that talk to it.
 *
 *   npm start [-- [--district <slug>] [--port <n>]]     serve (env THIDUA_DISTRICT, PORT, THIDUA_DATA_DIR)
 *   npm start -- launch                                 launch the campaign on the running server
 *   npm start -- advance [--to dd/mm/yyyy]              move its clock to the next event (or a date)
 *   npm start -- status                                 print its clock, next event and executions
 *   npm start -- record --file <adjustments.yaml>       record survey results, bonus, penalty (docs/cli.md)
 *   npm start -- revote --cycle <year|phase>            call a new council vote after one without quorum
 *
 * Serving builds and runs the product (local/product/product.ts); the other commands only send a request
 * to the server on PORT, so they load nothing else and answer at once.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatPoints } from '#domain/points';
import type {
  AdvanceOutcome,
  LaunchOutcome,
  ProductStatus,
  RecordOutcome,
  RecordProblems,
  RevoteOutcome,
} from './product/control.ts';
import { DEFAULT_DISTRICT, DEFAULT_HOST, DEFAULT_PORT } from './product/defaults.ts';
import type { Product, ProductOptions } from './product/product.ts';

export type { Product, ProductOptions } from './product/product.ts';

/** Builds the district's stack and serves the product (see local/product/product.ts). */
export async function startProduct(options: ProductOptions = {}): Promise<Product> {
  const { startProduct: start } = await import('./product/product.ts');
  return start(options);
}

// ---------------------------------------------------------------- arguments

export interface StartArgs {
  command: 'serve' | 'launch' | 'advance' | 'status' | 'record' | 'revote' | 'help';
  district?: string;
  port?: number;
  to?: string;
  /** `record`: the adjustments file to send. */
  file?: string;
  /** `revote`: the year (`2023`) or `phase` whose council votes again. */
  cycle?: string;
}

export function parseArgs(argv: readonly string[]): StartArgs {
  const args: StartArgs = { command: 'serve' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} cần một giá trị`);
      return v;
    };
    if (a === '--district') args.district = value();
    else if (a === '--port') args.port = Number(value());
    else if (a === '--to') args.to = value();
    else if (a === '--file') args.file = value();
    else if (a.startsWith('--file=')) args.file = a.slice('--file='.length);
    else if (a === '--cycle') args.cycle = value();
    else if (a.startsWith('--cycle=')) args.cycle = a.slice('--cycle='.length);
    else if (a.startsWith('--district=')) args.district = a.slice('--district='.length);
    else if (a.startsWith('--port=')) args.port = Number(a.slice('--port='.length));
    else if (a.startsWith('--to=')) args.to = a.slice('--to='.length);
    else if (a === '--help' || a === '-h' || a === 'help') args.command = 'help';
    else if (a === 'launch' || a === 'advance' || a === 'status' || a === 'record' || a === 'serve')
      args.command = a;
    else if (a === 'revote') args.command = a;
    else throw new Error(`Không hiểu tham số "${a}". Xem: npm start -- --help`);
  }
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port >= 0 && args.port < 65536)) {
    throw new Error('--port phải là số cổng 0–65535 (--port must be a port number)');
  }
  if (args.to !== undefined && args.command !== 'advance') {
    throw new Error('--to chỉ dùng với advance (--to goes with advance)');
  }
  if (args.file !== undefined && args.command !== 'record') {
    throw new Error('--file chỉ dùng với record (--file goes with record)');
  }
  if (args.command === 'record' && !args.file) {
    throw new Error('record cần --file <tệp số liệu> (record needs --file <adjustments file>)');
  }
  if (args.cycle !== undefined && args.command !== 'revote') {
    throw new Error('--cycle chỉ dùng với revote (--cycle goes with revote)');
  }
  if (args.command === 'revote' && !args.cycle?.trim()) {
    throw new Error('revote cần --cycle <năm|phase>, ví dụ --cycle 2023 (revote needs --cycle <year|phase>)');
  }
  return args;
}

export const HELP = `npm start — toàn bộ hệ thống trên một máy

  npm start [-- [--district <slug>] [--port <n>]]     chạy máy chủ; mặc định huyện demo, cổng 3000
                                                      (tỉnh mẫu: npm start -- --district tinh-hong-lam)
  npm start -- launch                                 phát động phong trào (launch; chạy lại không gửi lại email)
  npm start -- advance [--to dd/mm/yyyy]              chuyển đồng hồ đến sự kiện tiếp theo, hoặc đến 08:00 ngày đó
                                                      (move the clock to the next event, or to 08:00 that day)
  npm start -- status                                 đồng hồ, sự kiện tiếp theo, quy trình
  npm start -- record --file <tệp>                    ghi nhận khảo sát, điểm thưởng, điểm trừ (docs/cli.md, thidua record)
                                                      (record survey results, bonus and penalty from a file)
  npm start -- revote --cycle <năm|phase>             tổ chức bỏ phiếu lại khi lần trước không đủ số thành viên tham gia
                                                      (call a new council vote after one without quorum)

Biến môi trường:
  THIDUA_DISTRICT   địa phương (huyện, tỉnh hoặc xã), mặc định demo
  PORT              cổng, mặc định 3000; các lệnh launch/advance/status/record gửi đến cổng này
  THIDUA_DATA_DIR   thư mục dữ liệu, mặc định .local; dữ liệu của địa phương ở <dir>/<slug>
  SIGNING_KEY_FILE  khoá ký liên kết, mặc định <dir>/<slug>/signing-key.json
  LOG_LEVEL         mức nhật ký, mặc định warn
`;

// ---------------------------------------------------------------- talking to the running server

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

type Print = (line: string) => void;

/**
 * Sends `launch`, `advance`, `status`, `record` or `revote` to the server on the port and prints the answer in
 * Vietnamese and English; returns the exit code.
 */
export async function runClientCommand(
  args: StartArgs,
  port: number,
  out: Print = console.log,
  err: Print = console.error,
): Promise<number> {
  const base = `http://${DEFAULT_HOST}:${port}`;
  let sent: { method: 'GET' | 'POST'; path: string; form?: Record<string, string> };
  try {
    sent = requestFor(args);
  } catch (error) {
    err(error instanceof Error ? error.message : String(error));
    return 1;
  }
  let res: Response;
  try {
    res = await fetch(`${base}${sent.path}`, {
      method: sent.method,
      headers: {
        accept: 'application/json',
        ...(sent.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(sent.form ? { body: new URLSearchParams(sent.form).toString() } : {}),
    });
  } catch {
    err(
      `Không có máy chủ thidua nào chạy ở ${base}: hãy chạy \`npm start\` trước, trong một terminal khác.\n` +
        `(No thidua server at ${base}: run \`npm start\` first, in another terminal; this command uses PORT=${port}.)`,
    );
    return 1;
  }
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) {
    // An error page: its title and first paragraph say what happened.
    const title = /<h1>([^<]*)<\/h1>/.exec(text)?.[1] ?? `HTTP ${res.status}`;
    const detail = /<p>([^<]*)<\/p>/.exec(text)?.[1] ?? '';
    err(`${unescapeHtml(title)}: ${unescapeHtml(detail)}`);
    return 1;
  }
  // The server's own JSON answer for this command (local/product/control.ts).
  const body: unknown = JSON.parse(text);
  switch (args.command) {
    case 'record':
      return printRecord(res.status, body, args.file ?? '', base, out, err);
    case 'revote':
      return printRevote(body as RevoteOutcome, base, out, err);
    case 'status':
      return printStatus(body as ProductStatus, base, out);
    case 'launch':
      return printLaunch(body as LaunchOutcome, base, out, err);
    default:
      return printAdvance(body as AdvanceOutcome, base, out);
  }
}

/** The request a terminal command sends; throws with the message to print when a file cannot be read. */
function requestFor(args: StartArgs): {
  method: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
} {
  switch (args.command) {
    case 'status':
      return { method: 'GET', path: '/local/status' };
    case 'launch':
      return { method: 'POST', path: '/local/launch', form: {} };
    case 'revote':
      return { method: 'POST', path: '/local/revote', form: { cycle: args.cycle ?? '' } };
    case 'record': {
      const file = args.file ?? '';
      try {
        return {
          method: 'POST',
          path: '/local/record',
          form: { adjustments: readFileSync(file, 'utf8'), file: basename(file) },
        };
      } catch (error) {
        throw new Error(`Không đọc được tệp ${file}: ${(error as Error).message}`);
      }
    }
    default:
      return { method: 'POST', path: '/local/advance', form: args.to ? { to: args.to } : {} };
  }
}

function printRevote(r: RevoteOutcome, base: string, out: Print, err: Print): number {
  if (r.outcome === 'refused') {
    err(`Không thể tổ chức bỏ phiếu lại: ${r.reason ?? ''}`);
    return 1;
  }
  out(
    `${r.outcome === 'started' ? 'Đã tổ chức bỏ phiếu lại' : 'Đợt bỏ phiếu lại đã được tổ chức trước đó'} (${r.name} ${r.status ?? ''}): ` +
      `${r.newEmails} email mới mời Hội đồng bỏ phiếu. Xem ${base}/inbox\n` +
      `(${r.outcome === 'started' ? 'A new council vote was called' : 'The new vote was already called'}: ${r.newEmails} new emails.)`,
  );
  return 0;
}

function printStatus(s: ProductStatus, base: string, out: Print): number {
  out(`${s.district.name} (${s.district.slug}) — ${base}/`);
  out(`Đồng hồ: ${s.clock.local} ${s.clock.timeZone}`);
  out(
    s.nextEvent
      ? `Sự kiện tiếp theo: ${s.nextEvent.local} — ${s.nextEvent.description}`
      : 'Không có sự kiện nào đã lên lịch.',
  );
  out(`Phát động: ${s.launched ? 'rồi' : 'chưa'}${s.launch ? ` — ${s.launch.name} ${s.launch.status}` : ''}`);
  out(`Email đã gửi: ${s.emails} — ${base}/inbox`);
  const counts = Object.entries(s.executions.byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  out(`Quy trình: ${s.executions.total}${counts ? ` (${counts})` : ''}`);
  out(`Đang chờ người xử lý: ${s.waitingFor.length}`);
  for (const w of s.waitingFor.slice(0, 20)) out(`  ${w.execution} · ${w.state} · từ ${w.sinceLocal}`);
  if (s.waitingFor.length > 20) out(`  … ${s.waitingFor.length - 20} nữa`);
  return 0;
}

function printLaunch(r: LaunchOutcome, base: string, out: Print, err: Print): number {
  if (r.status !== 'SUCCEEDED' && r.status !== 'RUNNING') {
    err(
      `Phát động không thành công: ${r.name} ${r.status}${r.error ? ` (${r.error})` : ''}; xem terminal của máy chủ và email gửi quản trị viên. ` +
        'Phát động lại để chạy lại (các bước đã xong không lặp lại), hoặc sửa cấu hình rồi phát động (cấu hình mới là lần phát động mới).\n' +
        "(Launch failed: see the server's terminal and the admins' email. Launch again to retry it, or fix the config and launch.)",
    );
    return 1;
  }
  if (r.outcome === 'already-launched') {
    out(`Phong trào đã được phát động trước đó (${r.name}); không gửi lại email nào.`);
    return 0;
  }
  out(
    `Đã phát động phong trào (${r.name}): ${r.newEmails} email thông báo, ${r.schedules} lịch sự kiện. Xem ${base}/inbox\n` +
      `(Launched: ${r.newEmails} launch notices sent, ${r.schedules} calendar events scheduled.)`,
  );
  return 0;
}

function printAdvance(r: AdvanceOutcome, base: string, out: Print): number {
  if (r.outcome === 'no-event') {
    out('Không còn sự kiện nào đã lên lịch; đồng hồ giữ nguyên.');
    return 0;
  }
  // The recurring sweep runs before each event; it is not what a person moved the clock for.
  const events = r.fired.filter((f) => !f.recurring);
  out(
    `Đồng hồ đã chuyển đến ${r.local}: ${events.length} sự kiện đã chạy, ${r.newEmails} email mới. Xem ${base}/inbox\n` +
      `(Clock moved to ${r.local}: ${events.length} events fired, ${r.newEmails} new emails.)`,
  );
  for (const f of events) out(`  · ${f.local} — ${f.description}`);
  if (r.nextEvent) out(`Sự kiện tiếp theo: ${r.nextEvent.local} — ${r.nextEvent.description}`);
  return 0;
}

/** What `npm start -- record` prints: every line recorded, or every problem of the file. */
function printRecord(
  status: number,
  body: unknown,
  file: string,
  base: string,
  out: Print,
  err: Print,
): number {
  if (status === 422) {
    // The server knows the file by its base name: the problems name the path given here.
    const problems = (body as RecordProblems).problems.map((p) => ({ ...p, file }));
    err(`Tệp số liệu không hợp lệ, chưa ghi gì: ${problems.length} lỗi`);
    for (const p of problems) {
      // As formatProblem (domain/config.ts) writes it, without loading the config schema here.
      const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
      err(`- ${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    }
    return 1;
  }
  const r = body as RecordOutcome;
  const changed = r.recorded.filter((x) => x.changed).length;
  out(
    `Đã ghi nhận ${r.recorded.length} dòng số liệu từ ${file}: ${changed} thay đổi, ${r.recorded.length - changed} không đổi.\n` +
      `(Recorded ${r.recorded.length} lines: ${changed} changed, ${r.recorded.length - changed} unchanged.)`,
  );
  for (const x of r.recorded) {
    const survey = x.survey === null ? 'không có khảo sát (quy đổi)' : `khảo sát ${formatPoints(x.survey)}`;
    out(
      `  ${x.periodId}  ${x.unitId}: ${survey}, thưởng ${formatPoints(x.bonus)}, trừ ${formatPoints(x.penalty)} — ` +
        `${x.changed ? 'đã thay đổi' : 'không đổi'}, phiên bản ${x.version}`,
    );
  }
  for (const p of r.published) {
    out(
      `Cảnh báo: kỳ ${p.periodId} đã có kết quả công bố (phiên bản ${p.version}): kết quả đã công bố; ` +
        `chạy lại tính điểm để có phiên bản mới (quy trình scoring, tên ${p.rerunAs}).\n` +
        `(Results of ${p.periodId} are published: rerun scoring for a new version.) ${base}/`,
    );
  }
  return 0;
}

// ---------------------------------------------------------------- serving

async function serve(args: StartArgs, port: number): Promise<void> {
  const district = args.district ?? (process.env.THIDUA_DISTRICT?.trim() || DEFAULT_DISTRICT);
  // Signals are handled from the first moment: a Ctrl+C during the start stops cleanly once started.
  let product: Product | undefined;
  let stoppingSince: number | undefined;
  const stop = (p: Product) =>
    p.stop().then(
      () => {
        console.log('Đã dừng; dữ liệu, lịch và đồng hồ được giữ lại.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error((error as Error).message);
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // Ctrl+C reaches npm and this process at once: only a later, second one forces the stop.
      if (Date.now() - stoppingSince < 2_000) return;
      console.error('Dừng ngay, không chờ lưu xong.');
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: đang dừng và lưu dữ liệu… (stopping, saving data…)`);
    if (product) void stop(product);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const { keepCompiledCode, flushCompiledCode } = await import('./product/compile-cache.ts');
  keepCompiledCode();
  const [{ startProduct: start }, { banner }] = await Promise.all([
    import('./product/product.ts'),
    import('./product/banner.ts'),
  ]);
  try {
    product = await start({ district, port });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(
        `Cổng ${port} đang được dùng (có thể \`npm start\` đang chạy ở terminal khác). Chọn cổng khác: PORT=${port + 1} npm start\n` +
          `(Port ${port} is in use, perhaps by another \`npm start\`; choose another: PORT=${port + 1} npm start.)`,
      );
    } else {
      console.error(e.message);
    }
    process.exit(1);
  }
  if (stoppingSince !== undefined) {
    await stop(product);
    return;
  }
  const status = await product.status();
  // Before the addresses: a process killed once it serves has kept what it compiled.
  flushCompiledCode();
  console.log(banner(product, status));
}

export async function main(argv: readonly string[]): Promise<void> {
  // The terminal shows the addresses and the warnings; each request's log line needs LOG_LEVEL=info.
  process.env.LOG_LEVEL ??= 'warn';
  let args: StartArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const port = args.port ?? (process.env.PORT?.trim() ? Number(process.env.PORT) : DEFAULT_PORT);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) {
    console.error(`PORT=${process.env.PORT} không phải số cổng`);
    process.exitCode = 2;
    return;
  }
  if (args.command === 'help') {
    console.log(HELP);
    return;
  }
  if (args.command === 'serve') {
    await serve(args, port);
    return;
  }
  process.exitCode = await runClientCommand(args, port);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
