import { Channel } from './channel';

/** An agent qualifies when its proficiency in `skill` is at least `minLevel` (1–5). */
export interface SkillCondition {
  readonly skill: string;
  readonly minLevel: number;
}

/**
 * One step of the skill requirements. All conditions must hold. The step lasts
 * `expiresAfterMs` (counted from the end of the previous step); after the last step any agent
 * of the queue qualifies. Only the last step may omit the expiry, and then never relaxes.
 */
export interface RoutingStep {
  readonly conditions: readonly SkillCondition[];
  readonly expiresAfterMs?: number;
}

export type AgentSelection = 'longest-idle' | 'most-proficient' | 'least-occupied' | 'round-robin';

/**
 * What happens to the agent's slot when handling ends:
 * - none: freed at completion;
 * - optional: after-contact work until the agent submits a wrap-up, with or without a code;
 * - mandatory: after-contact work until the agent submits a wrap-up code;
 * - mandatory-with-timeout: as mandatory, but the engine ends it after `timeoutMs`.
 */
export type WrapUpMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'optional' }
  | { readonly kind: 'mandatory' }
  | { readonly kind: 'mandatory-with-timeout'; readonly timeoutMs: number };

/** What a new contact meets when the queue is closed; waiting work is served either way. */
export type ClosedBehaviour =
  | { readonly kind: 'queue' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'redirect'; readonly queueId: string };

/** 0 = Sunday … 6 = Saturday, times "HH:MM" local to the hours' time zone, close up to "24:00". */
export interface WeeklyInterval {
  readonly day: number;
  readonly open: string;
  readonly close: string;
}

export interface BusinessHours {
  /** IANA time zone, e.g. "Europe/Berlin". */
  readonly timeZone: string;
  readonly weekly: readonly WeeklyInterval[];
  /** Local dates "YYYY-MM-DD" closed all day. */
  readonly holidays: readonly string[];
  readonly whenClosed: ClosedBehaviour;
}

export interface QueueConfig {
  readonly queueId: string;
  /** A queue holds one tenant's work; it cannot move to another tenant. */
  readonly tenantId: string;
  readonly channels: readonly Channel[];
  readonly steps: readonly RoutingStep[];
  /** Item priority when the enqueue command gives none; higher is served first. */
  readonly defaultPriority: number;
  /** When set, a waiting item gains one priority point per interval waited (continuous aging). */
  readonly agingIntervalMs?: number;
  /** X% answered within Y ms; reported with the queue, used by reporting. */
  readonly serviceLevel: { readonly percent: number; readonly thresholdMs: number };
  /** Waiting items at most; an enqueue beyond it is refused with QUEUE_FULL. */
  readonly maxSize?: number;
  /** A waiting item moves to `queueId` once it has waited `afterMs` in this queue. */
  readonly overflow?: { readonly afterMs: number; readonly queueId: string };
  /** Absent = always open. */
  readonly businessHours?: BusinessHours;
  readonly offerTimeoutMs: number;
  readonly wrapUp: WrapUpMode;
  readonly strategy: AgentSelection;
  /** Handle time assumed for wait estimates until the queue has history. */
  readonly defaultHandleTimeMs: number;
}
