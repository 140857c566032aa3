// The unlock protocol's parsing and repeat window, and the door's SDP video section, without SIP.
import { describe, expect, it } from 'vitest';
import { parseUnlockInfo, ReqsnDedupe, unlockAnswer } from '../../sandbox/door-station/index.js';
import { videoSection, withVideoSection } from '../../sandbox/door-station/media.js';

describe('unlock INFO', () => {
  it('parses the request and writes the answer exactly as seed 001 shows', () => {
    expect(parseUnlockInfo('application/json', '{"req":"unlock","reqsn":100,"sip":"M124123123"}'))
      .toEqual({ kind: 'unlock', request: { req: 'unlock', reqsn: 100, sip: 'M124123123' } });
    expect(parseUnlockInfo('Application/JSON; charset=utf-8', '{"req":"unlock","reqsn":1,"sip":"a"}').kind).toBe('unlock');
    expect(parseUnlockInfo('application/dtmf-relay', 'Signal=*').kind).toBe('other');
    expect(parseUnlockInfo('application/json', '{"req":"status"}').kind).toBe('other');
    expect(parseUnlockInfo('application/json', '[1]').kind).toBe('malformed');
    expect(parseUnlockInfo('application/json', '{"req":"unlock","reqsn":"7","sip":"a"}')).toMatchObject({ kind: 'bad-unlock', reqsn: undefined });
    expect(parseUnlockInfo('application/json', '{"req":"unlock","reqsn":7}')).toMatchObject({ kind: 'bad-unlock', reqsn: 7 });
    expect(unlockAnswer(100, 200)).toBe('{"res":"unlock","reqsn":100,"status":200}');
  });

  it('ignores a repeat reqsn from the same caller within 3 s, not after', () => {
    const clock = { t: 0 };
    const d = new ReqsnDedupe(3000, () => clock.t);
    expect(d.first('panel', 5)).toBe(true);
    expect(d.first('panel', 5)).toBe(false);
    expect(d.first('other', 5)).toBe(true);
    expect(d.first('panel', 6)).toBe(true);
    clock.t = 2999;
    expect(d.first('panel', 5)).toBe(false);
    clock.t = 3000;
    expect(d.first('panel', 5)).toBe(true);
  });
});

describe('video section', () => {
  it('replaces a rejected m=video line and keeps the sections after it', () => {
    const answer = 'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10000 RTP/AVP 8\r\na=sendrecv\r\nm=video 0 RTP/AVP 96\r\nm=application 0 UDP/BFCP *\r\n';
    const section = videoSection({ port: 10002, payloadType: 97, packetizationMode: 1, parameters: { spropParameterSets: 'Z0LAHg==,aM4=', profileLevelId: '42c01e' }, direction: 'sendonly' });
    expect(withVideoSection(answer, section)).toBe(
      'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 10000 RTP/AVP 8\r\na=sendrecv\r\n' +
      'm=video 10002 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\na=fmtp:97 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=Z0LAHg==,aM4=\r\na=sendonly\r\n' +
      'm=application 0 UDP/BFCP *\r\n',
    );
    expect(withVideoSection('v=0\r\nm=audio 1 RTP/AVP 8\r\n', 'm=video 2 RTP/AVP 96\r\n')).toBe('v=0\r\nm=audio 1 RTP/AVP 8\r\nm=video 2 RTP/AVP 96\r\n');
  });
});

describe('lintel sandbox ring / --door-stations arguments', async () => {
  const { parseRingArgs, parseSandboxArgs } = await import('../../sandbox/cli.js');
  it('parses ring <houseSpaceId> [--url] [--door] and the --door-stations flag', () => {
    expect(parseRingArgs(['sp-house-1-1-101'])).toEqual({ houseSpaceId: 'sp-house-1-1-101', url: 'http://127.0.0.1:8700' });
    expect(parseRingArgs(['--url', 'http://127.0.0.1:9000/', 'sp-office-pmc', '--door', 'iot-wall-east']))
      .toEqual({ houseSpaceId: 'sp-office-pmc', url: 'http://127.0.0.1:9000', iotId: 'iot-wall-east' });
    expect(() => parseRingArgs([])).toThrow(/usage/);
    expect(() => parseRingArgs(['a', 'b'])).toThrow(/unexpected b/);
    expect(parseSandboxArgs(['--db', '/tmp/x.sqlite', '--sip', '127.0.0.1:5070', '--door-stations'], {}))
      .toEqual({ port: 8700, dbFile: '/tmp/x.sqlite', sip: { host: '127.0.0.1', port: 5070 }, doorStations: true });
    expect(() => parseSandboxArgs(['--db', '/tmp/x.sqlite', '--door-stations'], {})).toThrow(/needs --sip/);
  });
});
