// The change push (seed 001 lines 10200-10274) as the sandbox emulates it: a signed WebSocket
// subscription to /sys/appkey/${appkey}/community/message/change that carries the seed's payload
// {communityId, ids, type} for every notice published, updated or deleted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signedGetHeaders } from '../../electron/host/platform/gateway-signing.js';
import { harness, P, type Harness } from './fixture.js';

let h: Harness;
const sockets: WebSocket[] = [];
beforeEach(async () => { h = await harness({}, { t: Date.now() }); });
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await h.close();
});

const topic = (appKey: string) => `/sys/appkey/${appKey}/community/message/change`;

interface Opened { ws: WebSocket; messages: unknown[]; next(): Promise<unknown> }

function subscribe(opts: { appKey?: string; appSecret?: string; path?: string } = {}): Promise<Opened | { refused: number; reason: string | null }> {
  const path = opts.path ?? topic(h.sandbox.app.appKey);
  const headers = signedGetHeaders({ appKey: opts.appKey ?? h.sandbox.app.appKey, appSecret: opts.appSecret ?? h.sandbox.app.appSecret, pathAndQuery: path, now: Date.now() });
  const ws = new WebSocket(h.sandbox.url.replace('http', 'ws') + path, { headers });
  sockets.push(ws);
  const messages: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (d: Buffer) => {
    const m: unknown = JSON.parse(d.toString());
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({
      ws,
      messages,
      next: () => messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((r) => waiting.push(r)),
    }));
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0, reason: (res.headers['x-ca-error-message'] as string | undefined) ?? null }));
    ws.once('error', reject);
  });
}

async function opened(): Promise<Opened> {
  const s = await subscribe();
  if (!('ws' in s)) throw new Error(`refused ${s.refused}`);
  return s;
}

describe('change push', () => {
  it('delivers publish, update and delete of notices with the seed\'s payload on the topic', async () => {
    const sub = await opened();
    const cloudToken = await h.token();
    const id = await h.ok<string>(P.noticeAdd, '1.0.3', { title: '停电通知', publications: [{ text: '今晚停电' }], type: 6, isTop: 0, publishType: 4 }, { cloudToken });
    const m1 = await sub.next() as { topic: string; messageId: string; generateTime: number; payload: unknown };
    expect(Object.keys(m1).sort()).toEqual(['generateTime', 'messageId', 'payload', 'topic']);
    expect(m1.topic).toBe(topic(h.sandbox.app.appKey));
    expect(m1.payload).toEqual({ communityId: 10001, ids: [id], type: 'publish' });
    await h.ok(P.noticeUpdate, '1.0.0', { messageId: Number(id), isTop: 1 }, { cloudToken });
    expect(((await sub.next()) as { payload: unknown }).payload).toEqual({ communityId: 10001, ids: [id], type: 'update' });
    await h.ok(P.noticeDelete, '1.0.0', { messageIds: [Number(id)] }, { cloudToken });
    expect(((await sub.next()) as { payload: unknown }).payload).toEqual({ communityId: 10001, ids: [id], type: 'delete' });
  });

  it('a notice published from the console is pushed too', async () => {
    const sub = await opened();
    const n = h.sandbox.console.publishNotice({ title: '快递到了', text: '请到物业领取', houseSpaceId: 'sp-house-1-1-1201' });
    expect(((await sub.next()) as { payload: unknown }).payload).toEqual({ communityId: 10001, ids: [String(n.messageId)], type: 'publish' });
  });

  it('refuses an unsigned or wrongly signed subscription (403), and another app\'s topic (403)', async () => {
    expect(await subscribe({ appSecret: 'wrong' })).toMatchObject({ refused: 403, reason: expect.stringMatching(/^Invalid Signature/) });
    expect(await subscribe({ appKey: '999' })).toMatchObject({ refused: 403, reason: 'Invalid AppKey' });
    expect(await subscribe({ path: topic('12345678') })).toMatchObject({ refused: 403, reason: 'Topic Not Authorized' });
  });

  it('push down: subscribers are dropped with 1013 and refused (503) until it comes back', async () => {
    const sub = await opened();
    const closed = new Promise<number>((r) => sub.ws.once('close', (code) => r(code)));
    h.sandbox.console.setPushDown(true);
    expect(await closed).toBe(1013);
    expect(await subscribe()).toMatchObject({ refused: 503 });
    expect(h.sandbox.console.push()).toEqual({ down: true, subscribers: 0 });
    h.sandbox.console.setPushDown(false);
    await opened();
    await expect.poll(() => h.sandbox.console.push()).toEqual({ down: false, subscribers: 1 });
  });
});
