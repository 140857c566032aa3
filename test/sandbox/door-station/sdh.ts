// A sip.js SessionDescriptionHandler that is nothing but callbacks: the owner of each session
// (a door call, a monitor view, a test panel) decides what its SDP is and what happens to the
// far end's. sip.js asks the user agent's factory for a handler per session; we look the
// session up in a registry the owner filled before invite()/accept()/progress().
import type { BodyAndContentType, Session, SessionDescriptionHandler, UserAgent } from 'sip.js';

export interface SdpHandlers {
  /** Our offer (we invite) or our answer to the offer given to setDescription (we are invited). */
  getDescription(): string | Promise<string>;
  /** The far end's answer (we invited) or offer (we are invited). */
  setDescription(sdp: string): void | Promise<void>;
  /** RFC 4733 digits; false when they cannot be sent. */
  sendDtmf?(tones: string): boolean;
  /** sip.js is done with the handler (the session ended). */
  close?(): void;
}

class CallbackSdh implements SessionDescriptionHandler {
  private closed = false;

  constructor(private readonly handlers: SdpHandlers) {}

  async getDescription(): Promise<BodyAndContentType> {
    if (this.closed) throw new Error('session description handler closed');
    return { body: await this.handlers.getDescription(), contentType: 'application/sdp' };
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.closed) throw new Error('session description handler closed');
    await this.handlers.setDescription(sdp);
  }

  hasDescription(contentType: string): boolean {
    return contentType.split(';')[0]!.trim().toLowerCase() === 'application/sdp';
  }

  sendDtmf(tones: string): boolean {
    return this.handlers.sendDtmf?.(tones) ?? false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.handlers.close?.();
    } catch {
      /* the owner logs its own teardown */
    }
  }
}

/** Per-UA registry: session → handlers. Install once per user agent; register each session before its first offer/answer. */
export class SdhRegistry {
  private readonly bySession = new WeakMap<Session, SdpHandlers>();

  constructor(ua: UserAgent) {
    // sip.js reads the factory from its live configuration object whenever a session needs one.
    ua.configuration.sessionDescriptionHandlerFactory = (session: Session) => {
      const handlers = this.bySession.get(session);
      if (!handlers) throw new Error('no SDP handlers registered for this session');
      return new CallbackSdh(handlers);
    };
  }

  register(session: Session, handlers: SdpHandlers): void {
    this.bySession.set(session, handlers);
  }
}
