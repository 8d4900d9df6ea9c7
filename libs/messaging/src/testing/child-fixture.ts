import { spawn, type ChildProcess } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildFixture {
  readonly process: ChildProcess;
  /** The JSON lines reported so far. */
  readonly reports: Record<string, unknown>[];
  /** Writes one JSON line to the child's stdin. */
  send(command: Record<string, unknown>): void;
  /** Resolves with the first report (past or future) that matches. */
  waitFor(what: string, match: (report: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const repoRoot = join(__dirname, '..', '..', '..', '..');

/**
 * Runs a TypeScript fixture (a path relative to this folder, or absolute) in its own Node
 * process with the repo's aliases; it reports JSON lines on stdout and may read them on stdin.
 */
export function spawnFixture(file: string, env: Record<string, string>): ChildFixture {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', isAbsolute(file) ? file : join(__dirname, file)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A killed child closes its stdin; writes after that must not crash the parent.
  child.stdin!.on('error', () => undefined);
  const reports: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      reports.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      return;
    }
    listeners.forEach((notify) => notify());
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    process: child,
    reports,
    send: (command) => void child.stdin!.write(`${JSON.stringify(command)}\n`),
    waitFor: (what, match, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = reports.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${file}: timed out waiting for ${what}; stderr: ${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`${file} exited (${child.exitCode}) before ${what}; stderr: ${stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
        if (listeners.has(check) && (child.exitCode !== null || child.signalCode !== null)) onExit();
      }),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
