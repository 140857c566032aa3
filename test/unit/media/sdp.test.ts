import { describe, expect, it } from 'vitest';
import { parseSdp, rtpMapFor } from '../../../electron/host/media/sdp.js';
import { applyAnswer, buildAnswer, buildOffer } from '../../../electron/host/media/sdp-negotiation.js';
import { NoCommonCodecError } from '../../../electron/host/media/types.js';
import { BARESIP_OFFER, MODE0_ONLY_OFFER, PLATFORM_LINPHONE_OFFER, SPEEX_ONLY_OFFER } from './fixtures/offers.js';

const LOCAL = { address: '192.168.1.50', sessionId: '42', version: 0, audioPort: 10000, videoPort: 10002 };

function mLines(sdp: string): string[] {
  return sdp.split('\r\n').filter((l) => l.startsWith('m='));
}

describe('SDP parsing', () => {
  it('reads session and media connection, rtpmaps, fmtp, rtcp port and directions', () => {
    const s = parseSdp(PLATFORM_LINPHONE_OFFER);
    expect(s.connectionAddress).toBe('192.168.1.233');
    const audio = s.media[0]!;
    expect(audio.proto).toBe('RTP/AVPF');
    expect(audio.connectionAddress).toBe('121.204.13.62');
    expect(audio.rtcpPort).toBe(51670);
    expect(audio.formats).toEqual(['96', '97', '98', '0', '8', '101', '99', '100']);
    expect(rtpMapFor(audio, 8)).toMatchObject({ encoding: 'PCMA', clockRate: 8000 }); // static, no rtpmap line
    expect(audio.fmtps.get(96)).toBe('useinbandfec=1');
    const b = parseSdp(BARESIP_OFFER);
    expect(b.media[1]!.direction).toBe('sendrecv');
  });

  it('ignores garbage lines instead of throwing', () => {
    const s = parseSdp('v=0\r\nzzz\r\nm=audio\r\nm=audio x RTP/AVP 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:bad\r\nc=IN\r\n');
    expect(s.media).toHaveLength(1);
    expect(s.media[0]!.port).toBe(4000);
  });
});

describe('answering a door offer', () => {
  it("answers the platform's Linphone offer with PCMU (its first G.711), telephone-event/8000 and its transport", () => {
    const { sdp, negotiated } = buildAnswer(PLATFORM_LINPHONE_OFFER, { ...LOCAL, videoPort: undefined });
    expect(mLines(sdp)).toEqual(['m=audio 10000 RTP/AVPF 0 100']);
    expect(sdp).toContain('a=rtpmap:0 PCMU/8000');
    expect(sdp).toContain('a=rtpmap:100 telephone-event/8000');
    expect(sdp).not.toMatch(/opus|speex/i);
    expect(negotiated.audio).toMatchObject({ sendPt: 0, sendLaw: 'ulaw', sendTelephoneEventPt: 100, direction: 'sendrecv' });
    // Media-level c= wins over the session's; RTCP goes to a=rtcp.
    expect(negotiated.audio.remote).toEqual({ address: '121.204.13.62', rtpPort: 54480, rtcpAddress: '121.204.13.62', rtcpPort: 51670 });
  });

  it('answers a baresip offer in its order, picks H.264 packetization-mode 1 and stays small', () => {
    const { sdp, negotiated } = buildAnswer(BARESIP_OFFER, LOCAL);
    expect(mLines(sdp)).toEqual(['m=audio 10000 RTP/AVP 0 101', 'm=video 10002 RTP/AVP 96']);
    expect(sdp).toContain('a=fmtp:101 0-15');
    expect(sdp).toContain('a=fmtp:96 packetization-mode=1;profile-level-id=42e01f');
    expect(sdp).toContain('a=recvonly');
    expect(negotiated.video).toMatchObject({ packetizationMode: 1, direction: 'recvonly' });
    expect(negotiated.video!.spropParameterSets).toBe('Z0LAHtkDxWhAAAADAEAAAA8jxYuS,aMuMsg==');
    expect(negotiated.video!.remote).toMatchObject({ address: '10.0.0.21', rtpPort: 10236, rtcpPort: 10237 });
    expect(Buffer.byteLength(sdp)).toBeLessThan(400);
  });

  it('throws NoCommonCodecError for a Speex-only door', () => {
    expect(() => buildAnswer(SPEEX_ONLY_OFFER, LOCAL)).toThrow(NoCommonCodecError);
    expect(() => buildAnswer(SPEEX_ONLY_OFFER, LOCAL)).toThrow(/speex|97 98/i);
  });

  it('accepts H.264 packetization-mode 0 when that is all the door has', () => {
    const { sdp, negotiated } = buildAnswer(MODE0_ONLY_OFFER, LOCAL);
    expect(mLines(sdp)).toEqual(['m=audio 10000 RTP/AVP 8 101', 'm=video 10002 RTP/AVP 99']);
    expect(sdp).toContain('a=fmtp:99 packetization-mode=0');
    expect(negotiated.video).toMatchObject({ packetizationMode: 0, direction: 'recvonly' });
    expect(negotiated.audio.sendLaw).toBe('alaw');
  });

  it('rejects with port 0 what it cannot do, keeping the m-line order', () => {
    const offer = BARESIP_OFFER.concat('m=application 9 UDP/BFCP *\r\n')
      .replace('a=rtpmap:100 H264/90000', 'a=rtpmap:100 VP8/90000')
      .replace('a=rtpmap:96 H264/90000', 'a=rtpmap:96 H265/90000');
    const { sdp, negotiated } = buildAnswer(offer, LOCAL);
    expect(mLines(sdp)).toEqual(['m=audio 10000 RTP/AVP 0 101', 'm=video 0 RTP/AVP 100 96', 'm=application 0 UDP/BFCP *']);
    expect(negotiated.video).toBeUndefined();
    const noVideo = buildAnswer(BARESIP_OFFER, { ...LOCAL, videoPort: undefined });
    expect(mLines(noVideo.sdp)[1]).toBe('m=video 0 RTP/AVP 100 96');
  });

  it('fails an SRTP-only audio offer, and holds (no remote) on c=0.0.0.0', () => {
    expect(() => buildAnswer(BARESIP_OFFER.replace('m=audio 10234 RTP/AVP', 'm=audio 10234 RTP/SAVP'), LOCAL)).toThrow(
      NoCommonCodecError,
    );
    const hold = buildAnswer(BARESIP_OFFER.replace('c=IN IP4 10.0.0.21', 'c=IN IP4 0.0.0.0').replace('a=sendrecv', 'a=sendonly'), LOCAL);
    expect(hold.negotiated.audio.remote).toBeUndefined();
    expect(hold.negotiated.audio.direction).toBe('recvonly');
  });
});

describe('our offer', () => {
  it('offers PCMA, PCMU, telephone-event 0-16 and H.264 mode 1 over RTP/AVP', () => {
    const { sdp } = buildOffer(LOCAL);
    expect(mLines(sdp)).toEqual(['m=audio 10000 RTP/AVP 8 0 101', 'm=video 10002 RTP/AVP 96']);
    expect(sdp).toContain('a=fmtp:101 0-16');
    expect(sdp).toContain('a=fmtp:96 packetization-mode=1;profile-level-id=42e01f');
    expect(sdp).toContain('c=IN IP4 192.168.1.50');
    expect(Buffer.byteLength(sdp)).toBeLessThan(400);
  });

  it('applies an answer that chose PCMU and no video', () => {
    const { negotiated } = buildOffer(LOCAL);
    const answer = 'v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\nm=video 0 RTP/AVP 96\r\n';
    const result = applyAnswer(answer, negotiated);
    expect(result.audio).toMatchObject({ sendPt: 0, sendLaw: 'ulaw', sendTelephoneEventPt: 101 });
    expect(result.audio.remote).toMatchObject({ address: '10.0.0.5', rtpPort: 20000, rtcpPort: 20001 });
    expect(result.video).toBeUndefined();
    expect(() => applyAnswer(answer.replace('RTP/AVP 0 101', 'RTP/AVP 97'), negotiated)).toThrow(NoCommonCodecError);
  });
});
