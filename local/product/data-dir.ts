/**
 * The small files of a product's data folder (`<THIDUA_DATA_DIR or .local>/<slug>`), beside what
 * the runtime keeps there (dynalite's LevelDB, schedules, clock, the executions' journal): which
 * district the folder belongs to, and which process uses it.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '#local/runtime/pids';

interface DistrictMark {
  slug: string;
}

/** One data folder belongs to one district: two districts' tables have the same local name. */
export function claimDataDir(dataDir: string, slug: string): void {
  // The folder holds the reports, the approvals (with their workflows' task tokens) and the
  // signing key: its owner's alone, a folder made by an earlier version included.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch (error) {
    // Another user's folder (made by `sudo npm start`, a shared volume): it still works as before.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    process.stderr.write(
      `Cảnh báo: không thu hẹp được quyền đọc thư mục dữ liệu ${dataDir} (${code}): người dùng khác trên máy ` +
        'có thể đọc báo cáo và liên kết đã ký. (Warning: the data folder could not be made private.)\n',
    );
  }
  const file = join(dataDir, 'district.json');
  if (existsSync(file)) {
    const mark = JSON.parse(readFileSync(file, 'utf8')) as DistrictMark;
    if (mark.slug !== slug) {
      throw new Error(
        `Thư mục dữ liệu ${dataDir} thuộc địa phương "${mark.slug}", không phải "${slug}". ` +
          `(The data folder belongs to district "${mark.slug}"; use another THIDUA_DATA_DIR.)`,
      );
    }
    return;
  }
  writeFileSync(file, `${JSON.stringify({ slug } satisfies DistrictMark)}\n`);
}

/**
 * One running product per data folder: dynalite's LevelDB allows one process, and a second one
 * would only crash on its first request. Returns the release; a file left by a process that is
 * gone (killed) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'in-use.json');
  const take = () => writeFileSync(file, `${JSON.stringify({ pid: process.pid })}\n`, { flag: 'wx' });
  try {
    take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid;
    } catch {
      pid = undefined;
    }
    if (typeof pid === 'number' && isRunning(pid)) {
      throw new Error(
        `Thư mục dữ liệu ${dataDir} đang được một \`npm start\` khác dùng (pid ${pid}); hãy dừng nó trước (Ctrl+C). ` +
          `(The data folder is in use by another npm start, pid ${pid}: stop it first.)`,
      );
    }
    rmSync(file, { force: true });
    take();
  }
  const release = () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid === process.pid)
        rmSync(file, { force: true });
    } catch {
      // already gone
    }
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

export function savedClock(dataDir: string): Date | undefined {
  const file = join(dataDir, 'clock.json');
  if (!existsSync(file)) return undefined;
  const d = new Date((JSON.parse(readFileSync(file, 'utf8')) as { now?: string }).now ?? '');
  return Number.isNaN(d.getTime()) ? undefined : d;
}
