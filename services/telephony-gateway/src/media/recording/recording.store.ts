/** Where a finished recording went; the "recording available" event carries it. */
export interface RecordingRef {
  /** file:// for the filesystem adapter; an object-store URI for others. */
  readonly uri: string;
  readonly bytes: number;
}

export interface RecordingToStore {
  readonly tenantId: string;
  readonly callId: string;
  readonly wav: Uint8Array;
}

/**
 * The hand-off of recordings. The QA/recording service will own storage (encrypted blobs);
 * until then the gateway writes files, behind this port so the switch touches one adapter.
 */
export interface RecordingStore {
  save(recording: RecordingToStore): Promise<RecordingRef>;
}

export class RecordingStoreError extends Error {
  readonly code = 'INVALID_RECORDING_KEY';

  constructor(message: string) {
    super(message);
    this.name = RecordingStoreError.name;
  }
}
