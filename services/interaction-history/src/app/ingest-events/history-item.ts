import type { CustomerIdentity } from '../../domain/customer-identity';
import type { InteractionFact } from '../../domain/interaction-record';
import type { NewMessage } from '../../persistence/interaction.repository';

/** What one event adds to history: the person behind it, an interaction fact, a message. */
export interface HistoryItem {
  readonly at: Date;
  readonly identity?: CustomerIdentity;
  readonly fact?: InteractionFact;
  /** customerId is filled from `identity` on ingestion. */
  readonly message?: Omit<NewMessage, 'customerId'>;
}
