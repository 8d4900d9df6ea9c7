import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecordingRef, RecordingStore, RecordingStoreError, RecordingToStore } from './recording.store';

const safeKey = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/** Writes `<root>/<tenantId>/<callId>.wav`, atomically (temporary name, then rename). */
export class FileSystemRecordingStore implements RecordingStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async save({ tenantId, callId, wav }: RecordingToStore): Promise<RecordingRef> {
    // Both ids end up in a path: refuse anything that could climb out of the root.
    for (const [name, value] of [
      ['tenantId', tenantId],
      ['callId', callId],
    ]) {
      if (!safeKey.test(value) || value.includes('..')) throw new RecordingStoreError(`${name} "${value}" cannot name a file`);
    }
    const directory = join(this.root, tenantId);
    await mkdir(directory, { recursive: true });
    const target = join(directory, `${callId}.wav`);
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, wav);
    await rename(partial, target);
    return { uri: pathToFileURL(target).href, bytes: wav.byteLength };
  }
}
