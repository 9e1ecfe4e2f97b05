/**
 * CPU time of every thread of every live descendant of this process, read from Linux's /proc
 * (empty elsewhere). bench/page-sweep.ts snapshots it around a sweep: the CPU the browser it
 * launched spent on the sweep (main thread, Web Workers, V8's compiler and GC threads,
 * compositor), and so the fastest that much work could run on the machine's cores.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's times: 100 on every Linux we run (getconf CLK_TCK). */
const TICKS = 100;

/**
 * CPU seconds per process (its own /proc stat, which keeps the time of threads that have ended)
 * and per live thread, keyed "pid/tid process-type thread-name".
 */
export interface CpuSnapshot {
  processes: Map<number, number>;
  threads: Map<string, number>;
}

/** Fields after the command name of a /proc stat line (the name is in parentheses, may hold spaces). */
function statFields(path: string): string[] | null {
  try {
    const s = readFileSync(path, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // exited meanwhile
  }
}
const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

const seconds = (f: string[]) => (Number(f[11]) + Number(f[12])) / TICKS;

export function descendantsCpu(root = process.pid): CpuSnapshot {
  const out: CpuSnapshot = { processes: new Map(), threads: new Map() };
  if (process.platform !== 'linux') return out;
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const f = Number.isInteger(Number(name)) ? statFields(`/proc/${name}/stat`) : null;
    if (f) {
      parent.set(Number(name), Number(f[1]));
      out.processes.set(Number(name), seconds(f));
    }
  }
  const tree = new Set([root]);
  // Parents before children is not guaranteed by pid order: repeat until nothing joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (tree.has(pid) || !tree.has(ppid)) continue;
      tree.add(pid);
      grew = true;
    }
  }
  tree.delete(root);
  for (const pid of out.processes.keys()) if (!tree.has(pid)) out.processes.delete(pid);
  for (const pid of tree) {
    // Chromium names its processes by --type (renderer, gpu-process, ...); the browser has none.
    const type = /--type=([\w-]+)/.exec(read(`/proc/${pid}/cmdline`))?.[1] ?? 'main';
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const tid of tids) {
      const f = statFields(`/proc/${pid}/task/${tid}/stat`);
      if (f) out.threads.set(`${pid}/${tid} ${type} ${read(`/proc/${pid}/task/${tid}/comm`).trim()}`, seconds(f));
    }
  }
  return out;
}

/** What each thread used between two snapshots (threads under 0.05 s left out), most first. */
export function threadsBetween(before: CpuSnapshot, after: CpuSnapshot): [string, number][] {
  return [...after.threads]
    .map(([k, v]): [string, number] => [k, v - (before.threads.get(k) ?? 0)])
    .filter(([, v]) => v >= 0.05)
    .sort((a, b) => b[1] - a[1]);
}

/** Total CPU seconds of the processes alive at the second snapshot; NaN where /proc is not there. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  if (process.platform !== 'linux') return NaN;
  let s = 0;
  for (const [pid, v] of after.processes) s += v - (before.processes.get(pid) ?? 0);
  return s;
}
