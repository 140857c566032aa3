// Vectors computed independently with openssl (HMAC-SHA256, MD5) and md5sum, not with this code.
import { describe, expect, it } from 'vitest';
import {
  bindQrSign, contentMd5, signature, signedJsonHeaders, stringToSign, verifySignedRequest,
} from '../../electron/host/platform/gateway-signing.js';

const input = {
  method: 'POST',
  pathAndQuery: '/solution/community/intercom/device/status/get',
  accept: 'application/json',
  contentMd5: 'XkP2yqM0rH3VvI3mgk2Gmg==',
  contentType: 'application/json; charset=UTF-8',
  date: '',
  signedHeaders: {
    'x-ca-timestamp': '1700000000000',
    'x-ca-key': '203756871',
    'x-ca-signature-method': 'HmacSHA256',
    'x-ca-nonce': 'c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44',
  },
};

describe('API gateway signature', () => {
  it('builds the string to sign with sorted headers and empty lines kept', () => {
    expect(stringToSign(input)).toBe(
      'POST\napplication/json\nXkP2yqM0rH3VvI3mgk2Gmg==\napplication/json; charset=UTF-8\n\n' +
        'x-ca-key:203756871\nx-ca-nonce:c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44\nx-ca-signature-method:HmacSHA256\nx-ca-timestamp:1700000000000\n' +
        '/solution/community/intercom/device/status/get',
    );
  });

  it('matches an HMAC-SHA256 computed by openssl', () => {
    expect(signature('nQwT8sLzXv2Kp9eRb4Yc', input)).toBe('iMTo0LhGSXdhwR5aMBpWUZUFt+crIK/k8O+gbANRbP8=');
  });

  it('computes Content-MD5 as base64 of the body digest', () => {
    expect(contentMd5('{"id":"1","version":"1.0","request":{"apiVer":"1.0.1"},"params":{"deviceId":"LNT01","deviceType":"TMALL_GENIE"}}')).toBe('9zLvZ0kziQZ2q54TYvXLDg==');
  });

  it('signs the bind QR request as md5(appKey-ts-deviceId + deviceType)', () => {
    expect(bindQrSign('203756871', 1700000000000, 'LNT01', 'TMALL_GENIE')).toBe('ca274f63b6f278bc2636b5377e681ce0');
  });

  it('sorts query parameters into the signed path', () => {
    expect(stringToSign({ ...input, pathAndQuery: '/a?b=2&a=1' }).endsWith('\n/a?a=1&b=2')).toBe(true);
  });

  describe('verification', () => {
    const body = '{"x":1}';
    const now = 1_700_000_000_000;
    const headers = signedJsonHeaders({ appKey: 'k1', appSecret: 's1', path: '/p', body, now, nonce: 'n1' });
    const request = { method: 'POST', pathAndQuery: '/p', headers, rawBody: Buffer.from(body) };
    const never = (): boolean => false;

    it('accepts what the signer produced', () => {
      expect(verifySignedRequest(request, (k) => (k === 'k1' ? 's1' : undefined), now, never)).toEqual({ ok: true, appKey: 'k1' });
    });
    it('rejects a different secret', () => {
      expect(verifySignedRequest(request, () => 'other', now, never)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    });
    it('rejects a tampered body', () => {
      expect(verifySignedRequest({ ...request, rawBody: Buffer.from('{"x":2}') }, () => 's1', now, never)).toMatchObject({ ok: false, reason: 'content-md5-mismatch' });
    });
    it('rejects a timestamp more than 15 minutes off', () => {
      expect(verifySignedRequest(request, () => 's1', now + 16 * 60_000, never)).toMatchObject({ ok: false, reason: 'invalid-timestamp' });
    });
    it('rejects a replayed nonce', () => {
      expect(verifySignedRequest(request, () => 's1', now, () => true)).toMatchObject({ ok: false, reason: 'replayed-nonce' });
    });
    it('rejects an unknown app key', () => {
      expect(verifySignedRequest(request, () => undefined, now, never)).toMatchObject({ ok: false, reason: 'unknown-app-key' });
    });
  });
});
