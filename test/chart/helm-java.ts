import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CHART_DIR = path.join(REPO_ROOT, 'charts/contact-center');

const POM = path.join(REPO_ROOT, 'deploy/helm/pom.xml');
const CLI = path.join(__dirname, 'helm-cli.java');
const CACHE = path.join(REPO_ROOT, '.cache/helm-java');

export interface HelmRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The helm-java jars (API, JNA, linux-amd64 native library) pinned by deploy/helm/pom.xml,
 * fetched from Maven Central once into .cache/helm-java; a changed pom fetches again.
 */
export function helmJavaJars(): string {
  const pom = readFileSync(POM, 'utf8');
  const version = /<helm-java\.version>([^<]+)</.exec(pom)?.[1];
  if (!version) throw new Error(`${POM} does not pin <helm-java.version>`);
  const dir = path.join(CACHE, version);
  const marker = path.join(dir, '.pom');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pom) return dir;

  // Fetch into a staging folder and rename, so an interrupted download never looks complete.
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], { encoding: 'utf8' });
  if (mvn.error) throw mvn.error;
  if (mvn.status !== 0) throw new Error(`fetching helm-java ${version} failed:\n${mvn.stdout}${mvn.stderr}`);
  writeFileSync(path.join(staging, '.pom'), pom);
  mkdirSync(CACHE, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}

/** Runs test/chart/helm-cli.java (`lint <chart>` or `template <chart> <release> <ns> [values...]`). */
export function helm(args: readonly string[]): HelmRun {
  const jars = helmJavaJars();
  const run = spawnSync('java', ['-cp', `${jars}/*`, CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr };
}
