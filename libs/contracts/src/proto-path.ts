import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Directory holding the .proto sources, found by walking up from this file so it works from
 * `libs/contracts/src` (tests) and from `dist/libs/contracts/src` (built) alike.
 */
export function protoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'proto', 'buf.yaml');
    if (existsSync(candidate)) return path.dirname(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`proto/ not found above ${__dirname}`);
    dir = parent;
  }
}

/** Absolute path of one .proto file, e.g. protoFile('platform', 'diagnostics_service'). */
export function protoFile(domain: string, name: string): string {
  return path.join(protoRoot(), 'contactcenter', domain, 'v1', `${name}.proto`);
}
