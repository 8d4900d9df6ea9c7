/** Where a conversation stands; only a non-closed one takes further customer messages. */
export type ConversationStatus = 'waiting' | 'assigned' | 'closed';

/** What routing reported about the interaction behind a conversation. */
export type InteractionOutcome = 'assigned' | 'completed' | 'wrapped-up' | 'abandoned' | 'rejected';

export type ConversationEffect = { readonly kind: 'assign'; readonly agentId: string } | { readonly kind: 'close' } | { readonly kind: 'none' };

/**
 * Continuation: a customer message joins the open (waiting or assigned) interaction on that
 * channel account and conversation key; with none open it starts a new interaction, which
 * history links to the same customer through the sender identity. So once routing says an
 * interaction was completed, wrapped up, abandoned or rejected, the conversation closes and a
 * returning customer starts anew. Closing is final: a late "assigned" never reopens it.
 */
export function conversationEffect(current: ConversationStatus | undefined, outcome: InteractionOutcome, agentId = ''): ConversationEffect {
  if (current === undefined || current === 'closed') return { kind: 'none' };
  if (outcome === 'assigned') return agentId ? { kind: 'assign', agentId } : { kind: 'none' };
  return { kind: 'close' };
}

