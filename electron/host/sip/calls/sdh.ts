// A sip.js SessionDescriptionHandler backed by our MediaSession: plain RTP/AVP, G.711 +
// telephone-event + H.264, no WebRTC. sip.js creates SDHs through a synchronous factory while
// media ports are bound asynchronously, so the call layer creates the MediaSession first and
// registers it for the sip.js Session; the factory looks it up.
import type { Session, SessionDescriptionHandler, SessionDescriptionHandlerFactory, BodyAndContentType } from 'sip.js';
import type { Logger } from 'pino';
import type { MediaSession } from '../../media/types.js';

const SDP = 'application/sdp';

export class MediaSessionDescriptionHandler implements SessionDescriptionHandler {
  /** Our last answer (to the door's offer): sip.js asks again for the 200 after the 183. */
  private localAnswer: string | undefined;
  private remoteOffer: string | undefined;
  private offerOutstanding = false;
  private appliedRemoteAnswer: string | undefined;
  /** The far end's SDP (offer or answer), for checks like "did it offer telephone-event". */
  remoteSdp: string | undefined;
  closed = false;

  constructor(readonly media: MediaSession, private readonly logger: Logger, presetAnswer?: { offer: string; answer: string }) {
    if (presetAnswer) {
      this.remoteOffer = presetAnswer.offer;
      this.localAnswer = presetAnswer.answer;
      this.remoteSdp = presetAnswer.offer;
    }
  }

  hasDescription(contentType: string): boolean {
    return contentType.split(';')[0]!.trim().toLowerCase() === SDP;
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.offerOutstanding) {
      this.media.acceptAnswer(sdp);
      this.offerOutstanding = false;
      this.appliedRemoteAnswer = sdp;
      this.remoteSdp = sdp;
      return;
    }
    if (this.appliedRemoteAnswer !== undefined) {
      // The same answer again (183 then 200): nothing to do. A different one we cannot apply
      // without a new offer; keep what flows and say so.
      if (sdp !== this.appliedRemoteAnswer) this.logger.warn('sdh: a second, different SDP answer was ignored');
      return;
    }
    if (this.remoteOffer === sdp && this.localAnswer !== undefined) return; // answered already (preset)
    // A new remote offer: answer it (throws NoCommonCodecError when nothing fits).
    this.localAnswer = this.media.answer(sdp);
    this.remoteOffer = sdp;
    this.remoteSdp = sdp;
  }

  async getDescription(): Promise<BodyAndContentType> {
    if (this.localAnswer !== undefined && this.remoteOffer !== undefined) {
      return { body: this.localAnswer, contentType: SDP };
    }
    const offer = this.media.createOffer();
    this.offerOutstanding = true;
    return { body: offer, contentType: SDP };
  }

  async rollbackDescription(): Promise<void> {
    this.offerOutstanding = false;
  }

  sendDtmf(tones: string): boolean {
    for (const t of tones) {
      this.media.sendDtmf(t).catch((e: unknown) => this.logger.warn({ err: e, tone: t }, 'sdh: DTMF failed'));
    }
    return true;
  }

  /** The remote SDP negotiates RFC 4733 telephone-event. */
  get telephoneEvent(): boolean {
    return this.remoteSdp !== undefined && /^a=rtpmap:\d+\s+telephone-event\/8000/im.test(this.remoteSdp);
  }

  close(): void {
    // The call layer owns the MediaSession and closes it when the call ends.
    this.closed = true;
  }
}

/**
 * A factory that hands sip.js the SDH registered for a Session (register before progress()/
 * invite()). A session nobody registered gets an error, which sip.js turns into a 480/488.
 */
export class MediaSdhRegistry {
  private readonly handlers = new WeakMap<Session, MediaSessionDescriptionHandler>();
  readonly factory: SessionDescriptionHandlerFactory;

  constructor(private readonly logger: Logger) {
    this.factory = (session: Session) => {
      const sdh = this.handlers.get(session);
      if (!sdh) throw new Error('no media session registered for this SIP session');
      return sdh;
    };
  }

  register(session: Session, sdh: MediaSessionDescriptionHandler): void {
    this.handlers.set(session, sdh);
  }

  get(session: Session): MediaSessionDescriptionHandler | undefined {
    return this.handlers.get(session);
  }

  get log(): Logger {
    return this.logger;
  }
}
