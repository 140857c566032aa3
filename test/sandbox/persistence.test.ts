// State outlives the process: a restart on the same SQLite file keeps bindings, tokens and the
// demo community (seeded once); the logger never writes a secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { harness, P, T0 } from './fixture.js';

describe('restart with the same db file', () => {
  it('keeps bindings, the SIP channel and the cloudToken; seeding is idempotent', async () => {
    const clock = { t: T0 };
    const dir = mkdtempSync(join(tmpdir(), 'lintel-persist-'));
    const dbFile = join(dir, 'community.sqlite');
    const first = await harness({ dbFile }, clock);
    const bindId = await first.bindPanel('PANEL-A', 'sp-house-1-2-1202');
    const token = await first.token();
    const channel = await first.ok(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
    await first.close();

    const count = (table: string) => {
      const db = new Database(dbFile, { readonly: true });
      try { return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n; } finally { db.close(); }
    };
    const before = ['spaces', 'sip_groups', 'sip_accounts', 'room_maps', 'entrance_devices'].map(count);

    const second = await harness({ dbFile }, clock);
    try {
      expect(['spaces', 'sip_groups', 'sip_accounts', 'room_maps', 'entrance_devices'].map(count)).toEqual(before);
      expect(await second.ok(P.statusGet, '1.0.1', { deviceId: 'PANEL-A' })).toMatchObject({ bindId, bindStatus: true, houseName: '1幢2单元1202' });
      expect(await second.ok(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' })).toEqual(channel);
      expect((await second.call(P.list, '1.0.0', {}, { cloudToken: token })).body?.code).toBe(200);
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('logging', () => {
  it('never logs appSecret, cloudToken or sipPassword, even at trace level', async () => {
    const lines: string[] = [];
    const logStream = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString('utf8')); cb(); } });
    const h = await harness({ logger: { level: 'trace' }, logStream });
    try {
      await h.bindPanel('PANEL-A', 'sp-house-1-1-101');
      const token = await h.token();
      const { sipPassword } = await h.ok<{ sipPassword: string }>(P.channelGet, '1.0.0', { deviceId: 'PANEL-A' });
      await h.ok(P.tokenRefresh, '1.0.0', { cloudToken: token });
      await h.call(P.list, '1.0.0', {}, { appSecret: 'wrong' });
      await h.call(P.unitdoorOpen, '1.0.1', { deviceId: 'PANEL-A' });
      const log = lines.join('');
      expect(log.length).toBeGreaterThan(0);
      expect(log).not.toContain(h.sandbox.app.appSecret);
      expect(log).not.toContain(token);
      expect(log).not.toContain(sipPassword);
      expect(log).not.toContain('dp0101demo');
    } finally {
      await h.close();
    }
  });
});
