import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { launcher, repo, tempDir, thidua } from '../helpers/cli.ts';

const dir = tempDir('check');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the demo config with one text replacement, in a folder without criteria sets. */
function brokenDemo(name: string, from: string, to: string): string {
  const source = readFileSync(repo('districts', 'demo.yaml'), 'utf8');
  if (!source.includes(from)) throw new Error(`demo.yaml no longer contains ${from}`);
  mkdirSync(join(dir, 'districts'), { recursive: true });
  const file = join(dir, 'districts', name);
  writeFileSync(file, source.replace(from, to));
  return file;
}

const lineOf = (file: string, text: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

// Child processes on a busy machine: generous timeouts; few processes, run side by side where independent.
describe('thidua check', { timeout: 30_000 }, () => {
  it('accepts the demo district and summarises what the campaign will run', async ({ expect }) => {
    const r = await thidua('check', 'districts/demo.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Hợp lệ/);
    expect(r.stdout).toContain('huyện Sông Lam');
    expect(r.stdout).toContain('Đơn vị: 27 (khối cơ quan chuyên môn: 12; khối xã, thị trấn: 15)');
    expect(r.stdout).toContain('Hội đồng Thi đua – Khen thưởng: 8 thành viên');
    expect(r.stdout).toContain('theo quý, 14 kỳ');
    // First and last period with their dates, dd/mm/yyyy.
    expect(r.stdout).toContain('2022Q3 (02/08/2022–30/09/2022');
    expect(r.stdout).toContain('2025Q4 (01/10/2025–31/12/2025');
    // The office set changes on 01/01/2025; communes keep theirs.
    expect(r.stdout).toContain(
      'Xếp loại (mặc định): Xuất sắc ≥ 90 %, Tốt ≥ 80 %, Khá ≥ 70 %, Trung bình ≥ 50 %, Yếu < 50 %',
    );
    // 2024Q4 opens on 01/01/2025, the day the 2025 office set takes effect: it is scored by it.
    expect(r.stdout).toMatch(
      /2024 +huyen-co-quan-2022 \(2024Q1–2024Q3\); huyen-co-quan-2025 \(2024Q4\) +huyen-xa-2022/,
    );
    expect(r.stdout).toMatch(/2025 +huyen-co-quan-2025 \(2025\.1\) +huyen-xa-2022/);
  });

  it('accepts the province: its departments and communes, its awards shown as to be confirmed legally', async ({
    expect,
  }) => {
    const r = await thidua('check', 'districts/tinh-hong-lam.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Hợp lệ/);
    expect(r.stdout).toContain('tỉnh Hồng Lam (tinh-hong-lam), cấp tỉnh');
    expect(r.stdout).toContain('Đơn vị: 150 (khối cơ quan chuyên môn: 20; khối xã, phường: 130)');
    expect(r.stdout).toContain('Khen thưởng: Bằng khen của Chủ tịch UBND tỉnh');
    expect(r.stdout).toContain('đề nghị cấp trên (Bằng khen của Thủ tướng Chính phủ)');
    const warnings = r.stdout.slice(r.stdout.indexOf('Cảnh báo (warnings):')).replace(/\s+/g, ' ');
    expect(warnings).toContain('phải được xác nhận về pháp lý trước khi triển khai thật');
  });

  it('warns where the issuer lists cannot be relied on: a district issuer has none from 01/07/2025', async ({
    expect,
  }) => {
    const r = await thidua('check', 'districts/demo.yaml');
    const warnings = r.stdout.slice(r.stdout.indexOf('Cảnh báo (warnings):')).replace(/\s+/g, ' ');
    expect(warnings).toContain(
      'Không có danh mục thẩm quyền khen thưởng của Chủ tịch UBND cấp huyện từ 01/07/2025',
    );
    // The list named by its dates, never by its id in the data.
    expect(warnings).toContain('Danh mục thẩm quyền áp dụng từ 15/09/2017 đến 31/12/2023:');
    expect(warnings).not.toContain('huyen-2017');
  });

  it('accepts the commune-level demo', async ({ expect }) => {
    const r = await thidua('check', 'districts/demo-xa.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Hợp lệ/);
    expect(r.stdout).toContain('xã Lam Hồng');
    expect(r.stdout).toContain('sáu tháng');
  });

  it('names the file, line and field of a broken email and of a unit id with "đ"', async ({ expect }) => {
    const email = brokenDemo('email.yaml', 'huongpt.tckh@song-lam.example.org', 'huongpt.tckh@song-lam');
    const slug = brokenDemo('slug.yaml', 'id: xa-dai-dong', 'id: xa-đại-đồng');
    const criteria = repo('criteria');
    const [a, b] = await Promise.all([
      thidua('check', email, '--criteria', criteria),
      thidua('check', slug, '--criteria', criteria),
    ]);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(/^Không hợp lệ/);
    expect(a.stdout).toContain(
      `${email}:${lineOf(email, 'huongpt.tckh@song-lam')}: units[3].focalPoint.email: không phải địa chỉ email hợp lệ`,
    );
    expect(a.stdout).toContain('1 lỗi');
    expect(b.code).toBe(1);
    expect(b.stdout).toContain(`${slug}:${lineOf(slug, 'xa-đại-đồng')}: units[23].id:`);
    expect(b.stdout).toContain('"xa-đại-đồng"');
  });

  it('names the line of a value starting with * (a YAML alias with no anchor) and refuses an alias bomb, with exit 1', async ({
    expect,
  }) => {
    const star = brokenDemo('star.yaml', 'planNumber: 111/KH-UBND', 'planNumber: *KH111');
    const levels = 'abcdefgh'.split('');
    const bomb = brokenDemo(
      'bomb.yaml',
      'leadership:',
      [
        `x0: &a [${Array(9).fill('"lol"').join(',')}]`,
        ...levels.slice(1).map((l, i) => `x${i + 1}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`),
        `x9: [${Array(9).fill('*h').join(',')}]`,
        'leadership:',
      ].join('\n'),
    );
    const criteria = repo('criteria');
    const [a, b] = await Promise.all([
      thidua('check', star, '--criteria', criteria),
      thidua('check', bomb, '--criteria', criteria),
    ]);
    expect(a.code, a.stderr).toBe(1);
    expect(a.stdout).toMatch(/^Không hợp lệ/);
    expect(a.stdout).toContain(
      `${star}:${lineOf(star, '*KH111')}: lỗi YAML ở dòng ${lineOf(star, '*KH111')}, cột 15: tham chiếu *KH111 không có neo &KH111`,
    );
    expect(a.stderr).not.toContain('lỗi không mong đợi');
    expect(b.code, b.stderr).toBe(1);
    expect(b.stdout).toContain(`${bomb}: lỗi YAML: các neo và tham chiếu (&tên, *tên) lồng nhau`);
    expect(b.stderr).not.toContain('lỗi không mong đợi');
  });

  it('refuses a command line it cannot run with exit 2', async ({ expect }) => {
    const [none, bogus] = await Promise.all([
      thidua('check'),
      thidua('check', 'districts/demo.yaml', '--bogus'),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('thiếu tệp cấu hình');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('--bogus');
  });

  it('runs through the bin launcher from any folder, forwarding the exit code', async ({ expect }) => {
    const [help, unknown] = await Promise.all([launcher(dir, '--help'), launcher(dir, 'frobnicate')]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('thidua <lệnh>');
    expect(help.stdout).toContain('Usage: thidua <command>');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('không có lệnh "frobnicate"');
  });
});
