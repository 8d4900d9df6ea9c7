import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Committed sipp scenarios for tests (broken headers, bad SDP, REGISTER with auth, ...). */
export const SIPP_SCENARIOS = resolve(__dirname, '..', '..', 'test-scenarios');

export interface SippOptions {
  /** Built-in scenario name (`uac`, `uas`) or an XML file path. */
  scenario: string;
  /** `host:port` to call; omitted for a UAS. */
  remote?: string;
  transport?: 'udp' | 'tcp';
  /** Port sipp listens on (its SIP port); 0 lets it pick. */
  localPort?: number;
  /** Control and media ports must not clash with other sipp runs on the machine. */
  controlPort: number;
  mediaPort: number;
  calls?: number;
  /** Calls per second for UAC runs. */
  rate?: number;
  timeoutSec?: number;
  service?: string;
  auth?: { username: string; password: string };
  extraArgs?: string[];
}

export interface SippResult {
  exitCode: number | null;
  successful: number;
  failed: number;
  /** sipp's final screen (statistics). */
  output: string;
  /** Contents of the -trace_err log: unexpected messages and failures. */
  errors: string;
}

export interface SippProcess {
  readonly done: Promise<SippResult>;
  /** For a UAS: resolves once sipp accepts on its port (TCP) or after a short grace (UDP). */
  listening(): Promise<void>;
  stop(): void;
}

/**
 * Runs /usr/bin/sipp (Debian `sip-tester`) for one scenario and reads its exit code and
 * call statistics. Exit code 0 means every call passed the scenario.
 */
export function runSipp(options: SippOptions): SippProcess {
  const workDir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const scenario = /\.xml$/.test(options.scenario) ? ['-sf', options.scenario] : ['-sn', options.scenario];
  const args = [
    ...(options.remote ? [options.remote] : []),
    ...scenario,
    '-t',
    options.transport === 'tcp' ? 't1' : 'u1',
    '-i',
    '127.0.0.1',
    '-p',
    String(options.localPort ?? 0),
    '-cp',
    String(options.controlPort),
    '-mp',
    String(options.mediaPort),
    '-m',
    String(options.calls ?? 1),
    '-r',
    String(options.rate ?? 10),
    '-timeout',
    `${options.timeoutSec ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    ...(options.service ? ['-s', options.service] : []),
    ...(options.auth ? ['-au', options.auth.username, '-ap', options.auth.password] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn('sipp', args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<SippResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const errors = readdirSync(workDir)
        .filter((file) => file.endsWith('_errors.log'))
        .map((file) => readFileSync(join(workDir, file), 'utf8'))
        .join('\n');
      rmSync(workDir, { recursive: true, force: true });
      resolvePromise({ exitCode, successful: counter(output, 'Successful call'), failed: counter(output, 'Failed call'), output, errors });
    });
  });
  const listening = async (): Promise<void> => {
    if (options.transport !== 'tcp' || !options.localPort) {
      // UDP cannot be probed; a request sent too early is retransmitted by its transaction.
      await new Promise((resolveWait) => setTimeout(resolveWait, 300));
      return;
    }
    const port = options.localPort;
    for (let attempt = 0; attempt < 100; attempt++) {
      const accepted = await new Promise<boolean>((resolveProbe) => {
        const probe = connect({ host: '127.0.0.1', port }, () => {
          probe.destroy();
          resolveProbe(true);
        });
        probe.on('error', () => resolveProbe(false));
      });
      if (accepted) return;
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
    throw new Error(`sipp did not listen on TCP port ${port}`);
  };
  return { done, listening, stop: () => child.kill('SIGINT') };
}

/** The cumulative column of a counter in sipp's final statistics screen. */
function counter(output: string, name: string): number {
  const matches = [...output.matchAll(new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
  return matches.length ? Number(matches[matches.length - 1][1]) : 0;
}
