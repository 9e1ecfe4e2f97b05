/**
 * CPU seconds used so far by every live descendant of a process (all their threads), read from
 * Linux's /proc; NaN elsewhere. bench/page-sweep.ts reads it for its own descendants (the
 * browser it launched) around a sweep: the CPU the browser spent on it (main thread, Web Workers,
 * V8's compiler and GC threads, compositor), and so the fastest that much work could run on the
 * machine's cores.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's times: 100 on every Linux we run (getconf CLK_TCK). */
const TICKS = 100;

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null; // exited meanwhile
  }
}

export function descendantsCpuSeconds(root = process.pid): number {
  if (process.platform !== 'linux') return NaN;
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s) all.set(pid, s);
  }
  const inTree = new Set([root]);
  // Parents before children is not guaranteed by pid order: repeat until nothing joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of all) {
      if (inTree.has(pid) || !inTree.has(s.ppid)) continue;
      inTree.add(pid);
      grew = true;
    }
  }
  let ticks = 0;
  for (const pid of inTree) if (pid !== root) ticks += all.get(pid)?.ticks ?? 0;
  return ticks / TICKS;
}
