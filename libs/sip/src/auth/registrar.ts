import type { NameAddr } from '../message/header-values';
import { formatUri } from '../message/sip-uri';

export interface ContactBinding {
  contact: string;
  expiresAt: number;
  callId: string;
  cseq: number;
  /** q-value from the Contact, 1 when absent. */
  q: number;
}

export interface RegistrarOptions {
  defaultExpiresSec?: number;
  minExpiresSec?: number;
  maxExpiresSec?: number;
}

export type RegisterOutcome =
  | { outcome: 'ok'; bindings: ContactBinding[] }
  | { outcome: 'interval-too-brief'; minExpiresSec: number }
  | { outcome: 'invalid'; detail: string }
  | { outcome: 'out-of-order' };

export interface RegisterCommand {
  aor: string;
  contacts: NameAddr[];
  /** The Expires header, if present. */
  expiresHeader?: number;
  callId: string;
  cseq: number;
  now: number;
}

/**
 * Location service for agent phones (RFC 3261 §10.3): address-of-record → contact bindings
 * with expiry. Pure and in memory; time is passed in.
 */
export class Registrar {
  private readonly bindings = new Map<string, ContactBinding[]>();
  private readonly defaults: Required<RegistrarOptions>;

  constructor(options: RegistrarOptions = {}) {
    this.defaults = { defaultExpiresSec: 3600, minExpiresSec: 60, maxExpiresSec: 7200, ...options };
  }

  register(command: RegisterCommand): RegisterOutcome {
    const { aor, now } = command;
    const current = this.lookup(aor, now);
    const wildcard = command.contacts.find((c) => c.wildcard);
    if (wildcard) {
      // §10.3 step 6: "*" only alone and with Expires: 0.
      if (command.contacts.length !== 1 || command.expiresHeader !== 0) return { outcome: 'invalid', detail: 'Contact: * needs Expires: 0 and no other contact' };
      if (current.some((b) => b.callId === command.callId && b.cseq >= command.cseq)) return { outcome: 'out-of-order' };
      this.bindings.delete(aor);
      return { outcome: 'ok', bindings: [] };
    }
    const next = [...current];
    for (const contact of command.contacts) {
      const param = contact.params.get('expires');
      const requested = param !== undefined && param !== null && /^\d+$/.test(param) ? Number(param) : (command.expiresHeader ?? this.defaults.defaultExpiresSec);
      if (requested > 0 && requested < this.defaults.minExpiresSec) return { outcome: 'interval-too-brief', minExpiresSec: this.defaults.minExpiresSec };
      const expires = Math.min(requested, this.defaults.maxExpiresSec);
      const uri = formatUri(contact.uri);
      const index = next.findIndex((b) => b.contact === uri);
      if (index >= 0 && next[index].callId === command.callId && next[index].cseq >= command.cseq) return { outcome: 'out-of-order' };
      if (index >= 0) next.splice(index, 1);
      if (expires > 0) {
        const q = Number(contact.params.get('q') ?? '1');
        next.push({ contact: uri, expiresAt: now + expires * 1000, callId: command.callId, cseq: command.cseq, q: Number.isFinite(q) ? q : 1 });
      }
    }
    if (next.length) this.bindings.set(aor, next);
    else this.bindings.delete(aor);
    return { outcome: 'ok', bindings: next };
  }

  /** Live bindings, highest q first. */
  lookup(aor: string, now: number): ContactBinding[] {
    const live = (this.bindings.get(aor) ?? []).filter((b) => b.expiresAt > now);
    if (live.length) this.bindings.set(aor, live);
    else this.bindings.delete(aor);
    return [...live].sort((a, b) => b.q - a.q);
  }
}

/** The AOR of a To header URI: scheme, user and host, without port or parameters (§10.3 step 5). */
export const addressOfRecord = (uri: { scheme: string; user?: string; host: string }): string =>
  `${uri.scheme === 'sips' ? 'sips' : 'sip'}:${uri.user ? `${uri.user}@` : ''}${uri.host.toLowerCase()}`;
