// The JSON frames the web-chat widget and the service exchange over one WebSocket.

export const WEBCHAT_LIMITS = {
  maxFrameBytes: 16 * 1024,
  maxTextLength: 4000,
  maxNameLength: 200,
  maxClientMessageIdLength: 64,
} as const;

export type ClientFrame =
  | { readonly type: 'hello'; readonly sessionToken?: string; readonly lastSeq: number }
  | { readonly type: 'prechat'; readonly name: string; readonly email: string }
  | { readonly type: 'message'; readonly clientMessageId: string; readonly text: string }
  | { readonly type: 'typing'; readonly on: boolean }
  | { readonly type: 'read'; readonly upToSeq: number };

/** One message of the conversation as the widget shows it; `seq` orders and de-duplicates. */
export interface WebChatMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly from: 'customer' | 'agent';
  readonly text: string;
  readonly at: string;
  readonly clientMessageId?: string;
}

export type ServerFrame =
  | {
      readonly type: 'welcome';
      readonly sessionToken: string;
      readonly visitorId: string;
      readonly prechatRequired: boolean;
      readonly name?: string;
    }
  | { readonly type: 'prechat-ok'; readonly name: string }
  | ({ readonly type: 'message' } & WebChatMessage)
  | ({ readonly type: 'ack'; readonly clientMessageId: string } & WebChatMessage)
  | { readonly type: 'typing'; readonly from: 'agent'; readonly on: boolean }
  | { readonly type: 'read'; readonly by: 'agent'; readonly upToSeq: number }
  // No estimate while no agent is staffed for chats.
  | { readonly type: 'queue'; readonly position: number; readonly estimatedWaitSeconds?: number }
  | { readonly type: 'agent-joined'; readonly agentName: string }
  | { readonly type: 'closed'; readonly reason: string }
  | { readonly type: 'error'; readonly code: WebChatErrorCode; readonly message: string };

export type WebChatErrorCode = 'BAD_FRAME' | 'HELLO_REQUIRED' | 'PRECHAT_REQUIRED' | 'TOO_LARGE' | 'RATE_LIMITED' | 'UNAVAILABLE';

export class WebChatProtocolError extends Error {
  constructor(
    readonly code: WebChatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebChatProtocolError';
  }
}

// Deliberately simple: the address is only lower-cased and checked for shape; deliverability is not our concern.
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function bad(message: string): never {
  throw new WebChatProtocolError('BAD_FRAME', message);
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') bad(`${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0) bad(`${field} must not be empty`);
  if (trimmed.length > max) throw new WebChatProtocolError('TOO_LARGE', `${field} is longer than ${max} characters`);
  return trimmed;
}

function sequence(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(`${field} must be a non-negative integer`);
  return value;
}

/** Parses one frame from the widget; throws WebChatProtocolError with the reason for anything else. */
export function parseClientFrame(raw: string): ClientFrame {
  if (Buffer.byteLength(raw, 'utf8') > WEBCHAT_LIMITS.maxFrameBytes) {
    throw new WebChatProtocolError('TOO_LARGE', `frame exceeds ${WEBCHAT_LIMITS.maxFrameBytes} bytes`);
  }
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    bad('frame is not JSON');
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) bad('frame must be a JSON object');
  const f = frame as Record<string, unknown>;
  switch (f.type) {
    case 'hello': {
      if (f.sessionToken !== undefined && typeof f.sessionToken !== 'string') bad('sessionToken must be a string');
      return { type: 'hello', sessionToken: f.sessionToken as string | undefined, lastSeq: sequence(f.lastSeq, 'lastSeq') };
    }
    case 'prechat': {
      const name = text(f.name, 'name', WEBCHAT_LIMITS.maxNameLength);
      const email = text(f.email, 'email', 320).toLowerCase();
      if (!EMAIL.test(email)) bad('email is not an e-mail address');
      return { type: 'prechat', name, email };
    }
    case 'message':
      return {
        type: 'message',
        clientMessageId: text(f.clientMessageId, 'clientMessageId', WEBCHAT_LIMITS.maxClientMessageIdLength),
        text: text(f.text, 'text', WEBCHAT_LIMITS.maxTextLength),
      };
    case 'typing':
      if (typeof f.on !== 'boolean') bad('on must be a boolean');
      return { type: 'typing', on: f.on };
    case 'read':
      return { type: 'read', upToSeq: sequence(f.upToSeq, 'upToSeq') };
    default:
      bad(`unknown frame type ${JSON.stringify(f.type)}`);
  }
}
