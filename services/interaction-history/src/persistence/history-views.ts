import type { CustomerIdentity } from '../domain/customer-identity';
import type { HistoryChannel, HistoryDirection, InteractionRecord } from '../domain/interaction-record';

/** What the repositories hand to use cases: plain rows, no ORM objects. */
export interface CustomerView {
  readonly customerId: string;
  readonly displayName: string | null;
  readonly identities: readonly CustomerIdentity[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface InteractionView {
  readonly interactionId: string;
  /** The live customer (merges followed); null while no event named one. */
  readonly customerId: string | null;
  readonly record: InteractionRecord;
  readonly messageCount: number;
  /** The case an agent filed it under. */
  readonly caseId: string | null;
}

/** An attachment as the channel stored it: history keeps the reference, not the content. */
export interface AttachmentReference {
  readonly attachmentId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface MessageView {
  readonly messageId: string;
  readonly interactionId: string | null;
  readonly customerId: string | null;
  readonly channel: HistoryChannel;
  readonly direction: HistoryDirection;
  readonly agentId: string | null;
  readonly text: string;
  readonly attachments: readonly AttachmentReference[];
  readonly sentAt: Date;
}

export interface NoteView {
  readonly noteId: string;
  readonly customerId: string;
  readonly interactionId: string | null;
  readonly authorId: string;
  readonly text: string;
  readonly createdAt: Date;
}

export type CaseStatus = 'open' | 'pending' | 'resolved';

export interface CaseView {
  readonly caseId: string;
  readonly customerId: string;
  readonly subject: string;
  readonly status: CaseStatus;
  readonly ownerId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
