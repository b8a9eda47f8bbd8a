// A child process for the signal tests: writes `count` files in one transaction and, at the given
// step, sends itself a real signal. Usage: write-and-die <root> <count> <stage|commit> <index> <signal> [deletes]
// With `deletes`, every third file (n % 3 === 1) is deleted in the same change instead of rewritten.
import { join } from 'node:path';
import { writeFilesAtomically, type WriteStage } from '../atomic.js';

const [root, count, stage, index, signal, mode] = process.argv.slice(2) as [
  string,
  string,
  WriteStage,
  string,
  NodeJS.Signals,
  string | undefined,
];
const files = Array.from({ length: Number(count) }, (_, n) => join(root, `dir${n % 10}`, `f${n}.yaml`));
writeFilesAtomically(
  files.map((path, n) => ({ path, content: mode === 'deletes' && n % 3 === 1 ? null : `new ${n}\n` })),
  {
    root,
    beforeStep: (at, _path, n) => {
      if (at === stage && n === Number(index)) process.kill(process.pid, signal);
    },
  },
);
process.stdout.write('written\n');
// The rest of a run (opening a pull request…): a signal received during the write stops it here.
await new Promise((resolve) => setTimeout(resolve, 10_000));
process.stdout.write('went on after the signal\n');
