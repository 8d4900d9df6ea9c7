import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The GreenMail test mail server: SMTP and IMAP without TLS, and its REST API (users, readiness). */
export interface MailEndpoints {
  readonly host: string;
  readonly smtpPort: number;
  readonly imapPort: number;
  readonly apiUrl: string;
}

/** Where the local stack (deploy/local/stack.js) listens; written by `stack.js up`. */
export interface StackEndpoints {
  readonly kafkaBrokers: string[];
  readonly keycloakUrl: string;
  readonly issuer: string;
  readonly pgAdminUrl: string;
  /** Absent in an endpoints file written before the stack started a mail server. */
  readonly mail?: MailEndpoints;
}

/** Environment variables through which the integration global setup hands endpoints to workers. */
export const STACK_ENV = {
  kafkaBrokers: 'CC_TEST_KAFKA_BROKERS',
  keycloakUrl: 'CC_TEST_KEYCLOAK_URL',
  issuer: 'CC_TEST_ISSUER',
  pgAdminUrl: 'CC_TEST_PG_URL',
  mail: 'CC_TEST_MAIL',
} as const;

// Walk up rather than count `..`: the file is loaded from source by Jest and by swc-node.
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'deploy', 'local', 'stack.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** The stack's cache dir: CC_STACK_DIR as for stack.js, else `.cache/stack` in the repo. */
export function stackEndpointsFile(): string {
  const dir = process.env.CC_STACK_DIR ? resolve(process.env.CC_STACK_DIR) : join(repoRoot(), '.cache', 'stack');
  return join(dir, 'endpoints.json');
}

export function readStackEndpointsFile(): StackEndpoints {
  const file = stackEndpointsFile();
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: start the local stack with \`npm run stack:up\``);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as StackEndpoints;
}

/** Endpoints from the CC_TEST_* environment (set by the global setup), else from endpoints.json. */
export function stackEndpoints(): StackEndpoints {
  const env = process.env;
  const brokers = env[STACK_ENV.kafkaBrokers];
  const keycloakUrl = env[STACK_ENV.keycloakUrl];
  const issuer = env[STACK_ENV.issuer];
  const pgAdminUrl = env[STACK_ENV.pgAdminUrl];
  if (brokers && keycloakUrl && issuer && pgAdminUrl) {
    const mail = env[STACK_ENV.mail];
    const base = { kafkaBrokers: brokers.split(','), keycloakUrl, issuer, pgAdminUrl };
    return mail ? { ...base, mail: JSON.parse(mail) as MailEndpoints } : base;
  }
  return readStackEndpointsFile();
}

export function exportStackEndpoints(endpoints: StackEndpoints): void {
  process.env[STACK_ENV.kafkaBrokers] = endpoints.kafkaBrokers.join(',');
  process.env[STACK_ENV.keycloakUrl] = endpoints.keycloakUrl;
  process.env[STACK_ENV.issuer] = endpoints.issuer;
  process.env[STACK_ENV.pgAdminUrl] = endpoints.pgAdminUrl;
  if (endpoints.mail) process.env[STACK_ENV.mail] = JSON.stringify(endpoints.mail);
}

/** The mail server's endpoints; fails clearly when the running stack predates it. */
export function mailEndpoints(): MailEndpoints {
  const { mail } = stackEndpoints();
  if (!mail) throw new Error('the local stack runs no mail server: run `npm run stack:up` to start GreenMail');
  return mail;
}
