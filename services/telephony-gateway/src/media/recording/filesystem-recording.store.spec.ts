import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSystemRecordingStore } from './filesystem-recording.store';
import { RecordingStoreError } from './recording.store';

describe(FileSystemRecordingStore.name, () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cc-recordings-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes <tenant>/<call>.wav and returns its file URI and size', async () => {
    const sut = new FileSystemRecordingStore(root);

    const ref = await sut.save({ tenantId: 'tenant-1', callId: 'call-42', wav: Buffer.from('RIFF....') });

    expect(ref).toEqual({ uri: expect.stringMatching(/^file:\/\/.*\/tenant-1\/call-42\.wav$/), bytes: 8 });
    expect(readFileSync(fileURLToPath(ref.uri), 'utf8')).toBe('RIFF....');
    expect(readdirSync(join(root, 'tenant-1'))).toEqual(['call-42.wav']);
  });

  it.each([
    ['tenantId', { tenantId: '../etc', callId: 'c' }],
    ['callId', { tenantId: 't', callId: 'a/b' }],
    ['callId', { tenantId: 't', callId: '' }],
  ])('refuses a %s that could leave the root', async (field, ids) => {
    const sut = new FileSystemRecordingStore(root);

    await expect(sut.save({ ...ids, wav: Buffer.alloc(1) })).rejects.toThrow(RecordingStoreError);
    await expect(sut.save({ ...ids, wav: Buffer.alloc(1) })).rejects.toThrow(new RegExp(`^${field} `));
  });
});
