// CPU time, this process and the children it has waited for (git, kustomize), in ms. On a shared
// machine the wall-clock ratio swings with the load; the CPU ratio says how much work each side did.
// Children's times come from /proc/self/stat (Linux); elsewhere only this process is counted.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function childrenMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** A snapshot; `cpuSince(snapshot)` is the ms of CPU (own + waited-for children) spent after it. */
export function cpuNow() {
  const own = process.cpuUsage();
  return { own: (own.user + own.system) / 1000, children: childrenMs() };
}

export function cpuSince(start) {
  const now = cpuNow();
  return { own: now.own - start.own, children: now.children - start.children };
}
