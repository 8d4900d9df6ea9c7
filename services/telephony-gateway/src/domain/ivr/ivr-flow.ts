// A declarative IVR flow: plain JSON, stored per tenant and bound to DIDs. The validator checks
// untrusted input against these shapes; the interpreter only ever runs a validated flow.

/** Keys a caller can press (RFC 4733 events 0–15). */
export const DTMF_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'] as const;
export type DtmfDigit = (typeof DTMF_DIGITS)[number];

export interface WeeklyInterval {
  /** 0 = Sunday … 6 = Saturday, in the hours' time zone. */
  readonly day: number;
  /** HH:MM local, inclusive. */
  readonly open: string;
  /** HH:MM local, exclusive; 24:00 closes at midnight. */
  readonly close: string;
}

export interface BusinessHours {
  /** IANA time zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
  readonly weekly: readonly WeeklyInterval[];
  /** YYYY-MM-DD local dates on which the hours stay closed. */
  readonly holidays: readonly string[];
}

interface NodeBase {
  readonly id: string;
}

/** Plays prompts, then continues. Digits pressed meanwhile are ignored. */
export interface PlayNode extends NodeBase {
  readonly type: 'play';
  readonly prompts: readonly string[];
  readonly next: string;
}

/** Plays a menu and branches on one digit; invalid digits and silence are retried. */
export interface MenuNode extends NodeBase {
  readonly type: 'menu';
  readonly prompt: string;
  readonly options: Readonly<Partial<Record<DtmfDigit, string>>>;
  /** Silence after the prompt that counts as no input. */
  readonly timeoutMs: number;
  /** Attempts before `onFailure`, the first one included. */
  readonly maxAttempts: number;
  readonly invalidPrompt?: string;
  readonly timeoutPrompt?: string;
  /** Where to go when the attempts run out; without it the call hangs up. */
  readonly onFailure?: string;
}

/** Collects a digit string (account number, PIN) into a variable. */
export interface CollectNode extends NodeBase {
  readonly type: 'collect';
  readonly prompt: string;
  readonly variable: string;
  readonly minLength: number;
  readonly maxLength: number;
  /** A regular expression the whole input must match. */
  readonly pattern?: string;
  /** Ends the input early; never part of the value. */
  readonly terminator?: DtmfDigit;
  /** Silence before the first digit. */
  readonly timeoutMs: number;
  /** Silence between digits that ends the input; `timeoutMs` when absent. */
  readonly interDigitTimeoutMs?: number;
  readonly maxAttempts: number;
  readonly invalidPrompt?: string;
  readonly timeoutPrompt?: string;
  readonly next: string;
  readonly onFailure?: string;
}

export interface BusinessHoursNode extends NodeBase {
  readonly type: 'businessHours';
  readonly hours: BusinessHours;
  readonly open: string;
  readonly closed: string;
}

/** Sets where the call will queue; later nodes add to it. */
export interface SetQueueNode extends NodeBase {
  readonly type: 'setQueue';
  readonly queueId?: string;
  /** Added to the skills already required. */
  readonly skills?: readonly string[];
  readonly priority?: number;
  readonly next: string;
}

/** Hands the call to routing. Terminal. */
export interface QueueNode extends NodeBase {
  readonly type: 'queue';
  readonly queueId?: string;
  readonly skills?: readonly string[];
  readonly priority?: number;
}

/** Blind transfer to a phone number or SIP URI. Terminal. */
export interface TransferNode extends NodeBase {
  readonly type: 'transfer';
  readonly prompt?: string;
  readonly target: string;
}

/** Records a message (voicemail); ends on the terminator or after the maximum duration. */
export interface RecordNode extends NodeBase {
  readonly type: 'record';
  readonly prompt?: string;
  readonly maxDurationMs: number;
  readonly terminator?: DtmfDigit;
  /** Where to go after recording; without it the call hangs up. */
  readonly next?: string;
}

export interface HangupNode extends NodeBase {
  readonly type: 'hangup';
  readonly prompt?: string;
}

export interface GotoNode extends NodeBase {
  readonly type: 'goto';
  readonly target: string;
}

export type IvrNode =
  | PlayNode
  | MenuNode
  | CollectNode
  | BusinessHoursNode
  | SetQueueNode
  | QueueNode
  | TransferNode
  | RecordNode
  | HangupNode
  | GotoNode;

export type IvrNodeType = IvrNode['type'];

export interface IvrFlow {
  readonly id: string;
  readonly start: string;
  readonly nodes: readonly IvrNode[];
  /**
   * Node entries after which the call hangs up. Loops through caller input (a "press 9 to
   * repeat" option) are legal; this bounds them.
   */
  readonly maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 200;
