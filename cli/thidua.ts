/**
 * `thidua`: the admin's command line (docs/cli.md). Run through bin/thidua.mjs (`npx thidua …`)
 * or `node cli/thidua.ts …`. Exit codes: 0 ok, 1 problems found, 2 usage error.
 */
import { checkCommand } from './check.ts';
import { commendCommand } from './commend.ts';
import {
  type Command,
  EXIT_OK,
  EXIT_PROBLEMS,
  EXIT_USAGE,
  type Io,
  ProblemsError,
  printProblems,
  processIo,
  UsageError,
} from './common.ts';
import { keysCommand } from './keys.ts';
import { launchCommand } from './launch.ts';
import { recordCommand } from './record.ts';
import { scoreCommand } from './score.ts';

const COMMANDS: readonly Command[] = [
  checkCommand,
  scoreCommand,
  commendCommand,
  launchCommand,
  recordCommand,
  keysCommand,
];

const HELP = `thidua – công cụ dòng lệnh cho quản trị phong trào thi đua cải cách hành chính

Cách dùng: thidua <lệnh> [tùy chọn]      (thidua <lệnh> --help: hướng dẫn từng lệnh)

${COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}

Ví dụ:
  thidua check districts/demo.yaml
  thidua score --district districts/demo.yaml --appraisals examples/appraisals-2024.yaml --year 2024 --out ket-qua-2024.json
  thidua commend --district districts/demo.yaml --results ket-qua-2024.json \\
      --nominations examples/nominations-2024.yaml --ballots examples/ballots-2024.yaml
  thidua launch --district districts/demo.yaml --dry-run
  thidua record --district districts/demo.yaml --file examples/adjustments-2022Q3.yaml --dry-run
  thidua keys init --district demo

Mã thoát: 0 xong; 1 dữ liệu có lỗi (mỗi lỗi ghi tệp, dòng, trường); 2 sai cú pháp lệnh.
Định dạng các tệp: docs/cli.md.

thidua – command line for the admins of an administrative-reform emulation campaign.
Usage: thidua <command> [options]; thidua <command> --help for each command.
Exit codes: 0 ok, 1 problems found in the input, 2 usage error. File formats: docs/cli.md.`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(
      `thidua: không có lệnh "${name}" (unknown command); các lệnh: ${COMMANDS.map((c) => c.name).join(', ')}`,
    );
    io.err('Xem (see): thidua --help');
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`thidua ${command.name}: ${e.message}`);
      io.err(`Xem (see): thidua ${command.name} --help`);
      return EXIT_USAGE;
    }
    if (e instanceof ProblemsError) {
      printProblems(io.err, e.title, e.problems);
      return EXIT_PROBLEMS;
    }
    // A bug, not the admin's input: say so plainly, with the stack for whoever fixes it.
    io.err(
      `thidua ${command.name}: lỗi không mong đợi (unexpected error): ${(e as Error).stack ?? String(e)}`,
    );
    return EXIT_PROBLEMS;
  }
}

// Output piped into `head` and closed early is not an error of the command.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
