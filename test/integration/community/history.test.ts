// History in the panel's SQLite file (migration 4): doors opened during calls and from home listed
// together, newest first, with the door's name; notices read; and pruning by age, which removes
// old calls (with their snapshots), unlocks, door openings and notice reads, and keeps the rest.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryService } from '../../../electron/host/community/history.js';
import { silentLogger } from '../../../electron/host/log/index.js';
import { keyFileCipher, openStore, type Store } from '../../../electron/host/store/index.js';
import { tempDir } from '../../support/temp.js';

const DAY = 24 * 60 * 60_000;
const NOW = Date.UTC(2025, 0, 1);
let store: Store;

beforeEach(() => {
  const dir = tempDir('history');
  store = openStore(join(dir, 'lintel.sqlite'), keyFileCipher(join(dir, 'secret.key')));
});
afterEach(() => store.close());

function seed(at: number, tag: string): void {
  store.calls.save({ id: `call-${tag}`, direction: 'incoming', kind: 'door', remoteNumber: 'doorst0101', remoteDisplayName: '1幢1单元门口机', state: 'ended', startedAt: at, endedAt: at + 1000 });
  store.calls.saveSnapshot(`call-${tag}`, Buffer.from([0xff, 0xd8, 0xff, 0xd9]), at);
  store.unlockAttempts.record({ at: at + 500, callId: `call-${tag}`, doorNumber: 'doorst0101', method: 'info', via: 'voice', reqsn: 1, result: 'ok', confirmed: true, latencyMs: 80 });
  store.doorOpens.record({ at: at + 700, iotId: 'iot-wall-east', doorName: '小区东门围墙机', method: 'unitdoor/open', via: 'touch', result: 'failed', reason: '门禁设备离线', latencyMs: 40 });
}

describe('history', () => {
  it('lists unlocks from calls and from home together, newest first, with door names', () => {
    seed(NOW - 10_000, 'a');
    const history = new HistoryService(store, () => NOW, silentLogger(), { retentionMs: 180 * DAY, pruneEveryMs: DAY }, () => []);
    expect(history.unlocks(10)).toEqual([
      { at: NOW - 9300, source: 'panel', door: '小区东门围墙机', doorId: 'iot-wall-east', method: 'unitdoor/open', via: 'touch', ok: false, result: 'failed', reason: '门禁设备离线' },
      { at: NOW - 9500, source: 'call', door: '1幢1单元门口机', doorId: 'doorst0101', method: 'info', via: 'voice', ok: true, result: 'ok', reason: null },
    ]);
  });

  it('prunes everything older than the retention at start, and keeps what is younger', () => {
    seed(NOW - 200 * DAY, 'old');
    seed(NOW - 2 * DAY, 'new');
    store.notices.replaceAll([
      { messageId: 1, title: '旧公告', text: 'x', publications: [{ text: 'x', pictureUrl: null }], pictureUrl: null, type: 1, isTop: false, gmtCreate: NOW - 300 * DAY },
      { messageId: 2, title: '新公告', text: 'y', publications: [{ text: 'y', pictureUrl: null }], pictureUrl: null, type: 6, isTop: false, gmtCreate: NOW - DAY },
    ], NOW - 300 * DAY, false);
    store.notices.markRead([1], NOW - 200 * DAY);
    store.notices.markRead([2], NOW - DAY);

    const history = new HistoryService(store, () => NOW, silentLogger(), { retentionMs: 180 * DAY, pruneEveryMs: DAY }, (n) => store.notices.reads(n).map((r) => ({ ...r, typeLabel: String(r.type) })));
    history.start();
    history.close();

    expect(store.calls.recent(10).map((c) => c.id)).toEqual(['call-new']);
    expect(store.calls.snapshot('call-old')).toBeUndefined();
    expect(store.calls.snapshot('call-new')).toBeDefined();
    expect(history.unlocks(10).map((u) => u.at)).toEqual([NOW - 2 * DAY + 700, NOW - 2 * DAY + 500]);
    expect(history.notices(10).map((n) => n.messageId)).toEqual([2]);
    // The notices themselves are the cloud's list, not history: both stay until the cloud drops them.
    expect(store.notices.list().map((n) => n.messageId).sort()).toEqual([1, 2]);
  });
});
