import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { exportStackEndpoints, readStackEndpointsFile, repoRoot, stackEndpoints } from './stack-endpoints';
import { TEST_RUN_ID_ENV, testRunId } from './unique-names';

/**
 * Integration global setup: makes sure the local stack runs (idempotent, shared across runs
 * and never stopped here) and hands its endpoints to the workers through the environment,
 * which Jest workers inherit. CC_TEST_SKIP_STACK=1 uses an already running stack as is.
 */
export default function globalSetup(): void {
  if (process.env.CC_TEST_SKIP_STACK === '1') {
    exportStackEndpoints(stackEndpoints());
  } else {
    const root = repoRoot();
    const result = spawnSync(process.execPath, [join(root, 'deploy', 'local', 'stack.js'), 'up'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(`\`node deploy/local/stack.js up\` failed (exit ${result.status}); see its output above`);
    }
    exportStackEndpoints(readStackEndpointsFile());
  }
  // One run id for all workers so names from one run are recognisable on the shared broker.
  process.env[TEST_RUN_ID_ENV] = testRunId();
}
