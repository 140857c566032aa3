// Alibaba Cloud RPC signature (V2, HMAC-SHA1) test vectors. Seed 003 gives no signed example, so:
// (1) the algorithm's own published example (ECS DescribeRegions, AccessKey testid/testsecret),
// and (2, 3) QueryVoiceIntercom requests whose StringToSign was written out by hand from the
// algorithm and whose signature was computed outside this code, with
//   printf '%s' "$STRING_TO_SIGN" | openssl dgst -sha1 -hmac "$SECRET&" -binary | base64
import { describe, expect, it } from 'vitest';
import {
  canonicalizedQuery,
  percentEncode,
  rpcSignature,
  rpcStringToSign,
  rpcTimestamp,
  signRpcParams,
  verifyRpcRequest,
} from '../../electron/host/platform/iot-video/rpc-signing.js';

describe('percentEncode (RFC 3986 over UTF-8)', () => {
  it('keeps A-Z a-z 0-9 - _ . ~ and encodes the rest in upper-case hex', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(percentEncode(' ')).toBe('%20');
    expect(percentEncode('*')).toBe('%2A');
    expect(percentEncode("!'()")).toBe('%21%27%28%29');
    expect(percentEncode('/:=&+')).toBe('%2F%3A%3D%26%2B');
    expect(percentEncode('门')).toBe('%E9%97%A8');
  });
});

describe('the published example (DescribeRegions)', () => {
  const params = {
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    Format: 'XML',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    SignatureVersion: '1.0',
    Timestamp: '2016-02-23T12:46:24Z',
    Version: '2014-05-26',
  };

  it('gives the documented StringToSign and Signature', () => {
    expect(rpcStringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
        '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
        '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('testsecret', 'GET', params)).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
});

describe('QueryVoiceIntercom vectors', () => {
  const common = {
    AccessKeyId: 'LTAI4LintelVectorKey',
    Action: 'QueryVoiceIntercom',
    Format: 'JSON',
    RegionId: 'cn-shanghai',
    Scheme: 'ws',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    Timestamp: '2023-10-25T08:00:00Z',
    Version: '2018-01-20',
  };

  it('IotId and IotInstanceId with the seed sample\'s masked "*" (POST)', () => {
    const params = { ...common, IotId: 'C47T6xwp6ms4bNlkHRWCg4****', IotInstanceId: 'iot-cn-n6w1y*****', SignatureNonce: '15215528852396' };
    expect(canonicalizedQuery(params)).toBe(
      'AccessKeyId=LTAI4LintelVectorKey&Action=QueryVoiceIntercom&Format=JSON&IotId=C47T6xwp6ms4bNlkHRWCg4%2A%2A%2A%2A' +
        '&IotInstanceId=iot-cn-n6w1y%2A%2A%2A%2A%2A&RegionId=cn-shanghai&Scheme=ws&SignatureMethod=HMAC-SHA1' +
        '&SignatureNonce=15215528852396&SignatureVersion=1.0&Timestamp=2023-10-25T08%3A00%3A00Z&Version=2018-01-20',
    );
    expect(rpcStringToSign('POST', params)).toBe(
      'POST&%2F&AccessKeyId%3DLTAI4LintelVectorKey%26Action%3DQueryVoiceIntercom%26Format%3DJSON' +
        '%26IotId%3DC47T6xwp6ms4bNlkHRWCg4%252A%252A%252A%252A%26IotInstanceId%3Diot-cn-n6w1y%252A%252A%252A%252A%252A' +
        '%26RegionId%3Dcn-shanghai%26Scheme%3Dws%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D15215528852396' +
        '%26SignatureVersion%3D1.0%26Timestamp%3D2023-10-25T08%253A00%253A00Z%26Version%3D2018-01-20',
    );
    expect(rpcSignature('lintel-vector-secret', 'POST', params)).toBe('BwJ3jbe4o1waVwCfGwJUjV8ZFgA=');
  });

  it('ProductKey and a DeviceName with a space, a tilde and Chinese', () => {
    const params = { ...common, ProductKey: 'a1BwAGV****', DeviceName: '门 cam~1', SignatureNonce: '2c0b6b7e-1f0a-4d47-9d0e-5a4b3c2d1e0f' };
    expect(rpcStringToSign('POST', params)).toContain('%26DeviceName%3D%25E9%2597%25A8%2520cam~1%26');
    expect(rpcSignature('lintel-vector-secret', 'POST', params)).toBe('Pms8yl5/sYD1midc6oTVKYWtgP0=');
  });

  it('signRpcParams adds the common parameters and that exact signature', () => {
    const signed = signRpcParams({
      method: 'POST', accessKeyId: 'LTAI4LintelVectorKey', accessKeySecret: 'lintel-vector-secret', version: '2018-01-20',
      params: { Action: 'QueryVoiceIntercom', Scheme: 'ws', RegionId: 'cn-shanghai', IotId: 'C47T6xwp6ms4bNlkHRWCg4****', IotInstanceId: 'iot-cn-n6w1y*****' },
      now: Date.UTC(2023, 9, 25, 8, 0, 0, 456), nonce: '15215528852396',
    });
    expect(signed['Timestamp']).toBe('2023-10-25T08:00:00Z');
    expect(signed['Signature']).toBe('BwJ3jbe4o1waVwCfGwJUjV8ZFgA=');
    expect(rpcTimestamp(Date.UTC(2016, 1, 23, 12, 46, 24))).toBe('2016-02-23T12:46:24Z');
  });
});

describe('verifyRpcRequest (the sandbox gateway)', () => {
  const now = Date.UTC(2023, 9, 25, 8, 0, 0);
  const secrets = (id: string) => (id === 'AK' ? 'SK' : undefined);
  const sign = (extra: Record<string, string> = {}) => signRpcParams({ method: 'POST', accessKeyId: 'AK', accessKeySecret: 'SK', version: '2018-01-20', params: { Action: 'QueryVoiceIntercom', ...extra }, now, nonce: 'n1' });

  it('accepts a signed request once, then refuses its nonce', () => {
    const seen = new Set<string>();
    const once = (k: string, n: string) => (seen.has(`${k}/${n}`) ? true : (seen.add(`${k}/${n}`), false));
    expect(verifyRpcRequest('POST', sign(), secrets, now, once)).toEqual({ ok: true, accessKeyId: 'AK' });
    expect(verifyRpcRequest('POST', sign(), secrets, now, once)).toMatchObject({ ok: false, reason: 'replayed-nonce' });
  });

  it('names what is wrong', () => {
    const never = () => false;
    expect(verifyRpcRequest('GET', sign(), secrets, now, never)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(verifyRpcRequest('POST', { ...sign(), Scheme: 'rtmp' }, secrets, now, never)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(verifyRpcRequest('POST', { ...sign(), AccessKeyId: 'other' }, secrets, now, never)).toMatchObject({ ok: false, reason: 'unknown-access-key' });
    expect(verifyRpcRequest('POST', sign(), secrets, now + 16 * 60_000, never)).toMatchObject({ ok: false, reason: 'invalid-timestamp' });
    const { Signature: _dropped, ...unsigned } = sign();
    expect(verifyRpcRequest('POST', unsigned, secrets, now, never)).toMatchObject({ ok: false, reason: 'missing-parameter', missing: 'Signature' });
  });
});
