import type { WebChatMessage } from './webchat-frames';

/** A web-chat widget as configured on a channel account. */
export interface WebChatWidget {
  readonly tenantId: string;
  readonly channelAccountId: string;
  readonly widgetId: string;
  /** Page origins allowed to open the socket; empty allows any (e.g. during set-up). */
  readonly allowedOrigins: readonly string[];
}

/** One visitor's conversation on one widget. */
export interface WebChatVisitor {
  readonly widget: WebChatWidget;
  readonly visitorId: string;
}

export interface WebChatProfile {
  readonly name: string;
  readonly email: string;
}

/**
 * What the web-chat driver needs from the ingestion service. `acceptCustomerMessage` resolves
 * only once the message is durably stored (with its events in the outbox), and is idempotent
 * by `clientMessageId`, so a widget that resends after a lost acknowledgement stores it once.
 */
export interface WebChatBackend {
  resolveWidget(widgetId: string): Promise<WebChatWidget | null>;
  profile(visitor: WebChatVisitor): Promise<WebChatProfile | null>;
  saveProfile(visitor: WebChatVisitor, profile: WebChatProfile): Promise<void>;
  acceptCustomerMessage(
    visitor: WebChatVisitor,
    message: { readonly clientMessageId: string; readonly text: string; readonly at: Date },
  ): Promise<WebChatMessage>;
  /** Messages of the visitor's current conversation with a sequence above `afterSeq`, in order. */
  messagesAfter(visitor: WebChatVisitor, afterSeq: number): Promise<readonly WebChatMessage[]>;
  customerTyping(visitor: WebChatVisitor, on: boolean): Promise<void>;
  customerRead(visitor: WebChatVisitor, upToSeq: number): Promise<void>;
}
