/**
 * Runs a command as a child process and measures it from outside: wall time from spawn to exit, and
 * memory by polling /proc every `pollMs` for the whole process tree (the child and everything it
 * spawns, e.g. tsx's esbuild service or promptfoo's workers):
 *   - peakProcessMb: the largest VmHWM of any single process in the tree (the kernel's own peak RSS
 *     for that process, read until its last poll before exit);
 *   - peakTreeMb: the largest sum of VmRSS over the tree seen at one poll.
 * Linux only (falls back to zeros elsewhere).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  peakProcessMb: number;
  peakTreeMb: number;
  /** Distinct processes seen in the tree (command names). */
  processes: string[];
}

function readStatus(pid: number): { rssKb: number; hwmKb: number; name: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const num = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rssKb: num('VmRSS'), hwmKb: num('VmHWM'), name: /^Name:\s+(.*)$/m.exec(s)?.[1] ?? '?' };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    for (const t of tasks.split(' ')) if (t.trim()) out.push(Number(t));
  } catch {
    /* gone, or no CONFIG_PROC_CHILDREN */
  }
  return out;
}

function tree(root: number): number[] {
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  return all;
}

export async function runMeasured(cmd: string, args: string[], opts: SpawnOptions & { pollMs?: number; timeoutMs?: number } = {}): Promise<Measured> {
  const pollMs = opts.pollMs ?? 50;
  const t0 = performance.now();
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const hwm = new Map<number, number>();
  const names = new Set<string>();
  let peakTreeKb = 0;
  const poll = () => {
    if (child.pid === undefined) return;
    let sum = 0;
    for (const pid of tree(child.pid)) {
      const st = readStatus(pid);
      if (!st) continue;
      sum += st.rssKb;
      names.add(st.name);
      hwm.set(pid, Math.max(hwm.get(pid) ?? 0, st.hwmKb));
    }
    peakTreeKb = Math.max(peakTreeKb, sum);
  };
  const timer = setInterval(poll, pollMs);
  const killer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
  let exitedAt = 0;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, s) => {
      exitedAt = performance.now();
      resolve([c, s]);
    });
  });
  const wallMs = exitedAt - t0;
  clearInterval(timer);
  if (killer) clearTimeout(killer);
  // Let the pipes drain (bounded: a grandchild could hold them open).
  if (child.stdout!.readable || child.stderr!.readable)
    await Promise.race([new Promise((r) => child.once('close', r)), new Promise((r) => setTimeout(r, 2000))]);
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    code,
    signal,
    wallMs: Math.round(wallMs),
    stdout,
    stderr,
    peakProcessMb: mb(Math.max(0, ...hwm.values())),
    peakTreeMb: mb(peakTreeKb),
    processes: [...names],
  };
}
