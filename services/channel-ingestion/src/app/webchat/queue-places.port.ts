/** Where one waiting contact stands, as routing computes it. */
export interface WaitingPlace {
  /** 1 = next among the queue's waiting contacts of the same channel. */
  readonly position: number;
  /** Absent while no agent is staffed for the channel. */
  readonly estimatedWaitMs?: number;
}

/** Routing's view of one queue's waiting contacts, by interaction id. */
export interface QueuePlaces {
  places(scope: { readonly workspaceId: string; readonly tenantId: string }, queueId: string): Promise<ReadonlyMap<string, WaitingPlace>>;
}
