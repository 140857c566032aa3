// One small repository per concern, all over the same database handle.
import type { Db } from './database.js';
import type { SecretCipher } from './secret-cipher.js';

/** The community platform's, then the other systems' (config/systems.ts SYSTEM_SECRETS). */
export type SecretName = 'appSecret' | 'sipPassword' | 'akuvoxToken' | 'isdpPassword' | 'iotVideoAccessKeySecret';

export class SettingsRepo {
  constructor(private readonly db: Db) {}
  get(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }
  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

export class SecretsRepo {
  constructor(private readonly db: Db, private readonly cipher: SecretCipher) {}
  get(name: SecretName): string | undefined {
    const row = this.db.prepare('SELECT sealed FROM secrets WHERE name = ?').get(name) as { sealed: Buffer } | undefined;
    return row ? this.cipher.open(row.sealed) : undefined;
  }
  set(name: SecretName, value: string): void {
    this.db
      .prepare('INSERT INTO secrets (name, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at')
      .run(name, this.cipher.seal(value), Date.now());
  }
  delete(name: SecretName): void {
    this.db.prepare('DELETE FROM secrets WHERE name = ?').run(name);
  }
}

export interface StoredBinding {
  bindId: string | null;
  houseName: string;
  communityId: number | null;
  bindType: 0 | 1;
  boundAt: number;
}

export interface StoredChannel {
  communityId: number;
  houseName: string;
  unitSpaceId: string;
  houseSpaceId: string;
  sipGroupId: string;
  sipNumber: string;
  sipHost: string;
  sipPort: number;
  fetchedAt: number;
}

interface BindingRow { bind_id: string | null; house_name: string; community_id: number | null; bind_type: number; bound_at: number }
interface ChannelRow {
  community_id: number; house_name: string; unit_space_id: string; house_space_id: string; sip_group_id: string;
  sip_number: string; sip_host: string; sip_port: number; fetched_at: number;
}

export class BindingRepo {
  constructor(private readonly db: Db, private readonly secrets: SecretsRepo) {}

  get(): StoredBinding | undefined {
    const r = this.db.prepare('SELECT * FROM binding WHERE id = 1').get() as BindingRow | undefined;
    if (!r) return undefined;
    return { bindId: r.bind_id, houseName: r.house_name, communityId: r.community_id, bindType: r.bind_type === 1 ? 1 : 0, boundAt: r.bound_at };
  }

  save(b: StoredBinding): void {
    this.db
      .prepare(`INSERT INTO binding (id, bind_id, house_name, community_id, bind_type, bound_at) VALUES (1, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET bind_id = excluded.bind_id, house_name = excluded.house_name,
        community_id = excluded.community_id, bind_type = excluded.bind_type, bound_at = excluded.bound_at`)
      .run(b.bindId, b.houseName, b.communityId, b.bindType, b.boundAt);
  }

  getChannel(): StoredChannel | undefined {
    const r = this.db.prepare('SELECT * FROM intercom_channel WHERE id = 1').get() as ChannelRow | undefined;
    if (!r) return undefined;
    return {
      communityId: r.community_id, houseName: r.house_name, unitSpaceId: r.unit_space_id, houseSpaceId: r.house_space_id,
      sipGroupId: r.sip_group_id, sipNumber: r.sip_number, sipHost: r.sip_host, sipPort: r.sip_port, fetchedAt: r.fetched_at,
    };
  }

  /** The channel and its password land together or not at all. */
  saveChannel(c: StoredChannel, sipPassword: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO intercom_channel (id, community_id, house_name, unit_space_id, house_space_id, sip_group_id, sip_number, sip_host, sip_port, fetched_at)
          VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT(id) DO UPDATE SET community_id = excluded.community_id, house_name = excluded.house_name,
          unit_space_id = excluded.unit_space_id, house_space_id = excluded.house_space_id, sip_group_id = excluded.sip_group_id,
          sip_number = excluded.sip_number, sip_host = excluded.sip_host, sip_port = excluded.sip_port, fetched_at = excluded.fetched_at`)
        .run(c.communityId, c.houseName, c.unitSpaceId, c.houseSpaceId, c.sipGroupId, c.sipNumber, c.sipHost, c.sipPort, c.fetchedAt);
      this.secrets.set('sipPassword', sipPassword);
    })();
  }

  /** Forget the house: binding, channel and SIP password, in one transaction. */
  wipe(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM intercom_channel').run();
      this.db.prepare('DELETE FROM binding').run();
      this.secrets.delete('sipPassword');
    })();
  }
}

export interface StoredProblem { code: string; message: string; detail: string; at: number }

export class ProblemsRepo {
  constructor(private readonly db: Db) {}
  record(p: StoredProblem): void {
    this.db.prepare('INSERT INTO problems (code, message, detail, at) VALUES (?, ?, ?, ?)').run(p.code, p.message, p.detail, p.at);
    // Keep the last hundred: enough to diagnose, never growing without bound.
    this.db.prepare('DELETE FROM problems WHERE id <= (SELECT MAX(id) - 100 FROM problems)').run();
  }
  last(): StoredProblem | undefined {
    return this.db.prepare('SELECT code, message, detail, at FROM problems ORDER BY id DESC LIMIT 1').get() as StoredProblem | undefined;
  }
}

// --- calls and unlocks (migration 2) ---------------------------------------------------------------

export interface StoredCall {
  id: string;
  direction: 'incoming' | 'outgoing';
  kind: string;
  remoteNumber: string;
  remoteDisplayName?: string | undefined;
  state: string;
  endReason?: string | undefined;
  startedAt: number;
  answeredAt?: number | undefined;
  endedAt?: number | undefined;
}

interface CallRow {
  id: string; direction: string; kind: string; remote_number: string; remote_display_name: string | null; state: string;
  end_reason: string | null; started_at: number; answered_at: number | null; ended_at: number | null;
}

/** Call history: one row per call, updated as it moves on; the newest 1000 are kept. */
export class CallsRepo {
  constructor(private readonly db: Db, private readonly keep = 1000, private readonly keepSnapshots = 200) {}
  save(c: StoredCall): void {
    this.db
      .prepare(`INSERT INTO calls (id, direction, kind, remote_number, remote_display_name, state, end_reason, started_at, answered_at, ended_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET state = excluded.state, end_reason = excluded.end_reason,
        answered_at = excluded.answered_at, ended_at = excluded.ended_at`)
      .run(c.id, c.direction, c.kind, c.remoteNumber, c.remoteDisplayName ?? null, c.state, c.endReason ?? null, c.startedAt, c.answeredAt ?? null, c.endedAt ?? null);
    this.db.prepare('DELETE FROM calls WHERE rowid <= (SELECT MAX(rowid) - ? FROM calls)').run(this.keep);
    this.db.prepare('DELETE FROM call_snapshots WHERE call_id NOT IN (SELECT id FROM calls ORDER BY rowid DESC LIMIT ?)').run(this.keepSnapshots);
  }
  /** The first still of a call wins: it shows who rang, not who was there when it ended. */
  saveSnapshot(callId: string, jpeg: Uint8Array, takenAt: number): boolean {
    if (!this.get(callId)) return false;
    this.db.prepare('INSERT OR IGNORE INTO call_snapshots (call_id, jpeg, taken_at) VALUES (?, ?, ?)').run(callId, Buffer.from(jpeg), takenAt);
    return true;
  }
  snapshot(callId: string): Buffer | undefined {
    const r = this.db.prepare('SELECT jpeg FROM call_snapshots WHERE call_id = ?').get(callId) as { jpeg: Buffer } | undefined;
    return r?.jpeg;
  }
  withSnapshots(ids: string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.db.prepare(`SELECT call_id FROM call_snapshots WHERE call_id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { call_id: string }[];
    return new Set(rows.map((r) => r.call_id));
  }
  get(id: string): StoredCall | undefined {
    const r = this.db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as CallRow | undefined;
    return r ? rowToCall(r) : undefined;
  }
  recent(limit = 50): StoredCall[] {
    return (this.db.prepare('SELECT * FROM calls ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as CallRow[]).map(rowToCall);
  }
}

function rowToCall(r: CallRow): StoredCall {
  return {
    id: r.id, direction: r.direction === 'outgoing' ? 'outgoing' : 'incoming', kind: r.kind, remoteNumber: r.remote_number,
    ...(r.remote_display_name !== null ? { remoteDisplayName: r.remote_display_name } : {}),
    state: r.state, ...(r.end_reason !== null ? { endReason: r.end_reason } : {}), startedAt: r.started_at,
    ...(r.answered_at !== null ? { answeredAt: r.answered_at } : {}), ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
  };
}

export interface StoredUnlockAttempt {
  at: number;
  callId: string;
  doorNumber: string;
  /** 'info' | 'dtmf' | 'none' (refused before anything was sent). */
  method: string;
  /** 'voice' | 'touch' | 'dtmf': what the resident did. */
  via: string;
  reqsn?: number | undefined;
  /** 'ok' | 'failed' | 'rate-limited' | 'refused' */
  result: string;
  /** The door said status 200 (INFO); DTMF is never confirmed. */
  confirmed: boolean;
  latencyMs: number;
  reason?: string | undefined;
}

interface UnlockRow {
  at: number; call_id: string; door_number: string; method: string; via: string; reqsn: number | null; result: string;
  confirmed: number; latency_ms: number; reason: string | null;
}

/** The unlock audit trail (newest 10000 kept) and the persisted reqsn sequence (1-999, cycling). */
export class UnlockAttemptsRepo {
  constructor(private readonly db: Db, private readonly keep = 10_000) {}
  /** The next reqsn, persisted before it is used: a reboot continues the cycle instead of restarting it. */
  nextReqsn(): number {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT reqsn FROM unlock_sequence WHERE id = 1').get() as { reqsn: number } | undefined;
      const next = row ? (row.reqsn % 999) + 1 : 1;
      this.db
        .prepare('INSERT INTO unlock_sequence (id, reqsn, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET reqsn = excluded.reqsn, updated_at = excluded.updated_at')
        .run(next, Date.now());
      return next;
    })();
  }
  record(a: StoredUnlockAttempt): void {
    this.db
      .prepare(`INSERT INTO unlock_attempts (at, call_id, door_number, method, via, reqsn, result, confirmed, latency_ms, reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(a.at, a.callId, a.doorNumber, a.method, a.via, a.reqsn ?? null, a.result, a.confirmed ? 1 : 0, Math.round(a.latencyMs), a.reason ?? null);
    this.db.prepare('DELETE FROM unlock_attempts WHERE id <= (SELECT MAX(id) - ? FROM unlock_attempts)').run(this.keep);
  }
  recent(limit = 50): StoredUnlockAttempt[] {
    return (this.db.prepare('SELECT * FROM unlock_attempts ORDER BY id DESC LIMIT ?').all(limit) as UnlockRow[]).map((r) => ({
      at: r.at, callId: r.call_id, doorNumber: r.door_number, method: r.method, via: r.via,
      ...(r.reqsn !== null ? { reqsn: r.reqsn } : {}), result: r.result, confirmed: r.confirmed === 1, latencyMs: r.latency_ms,
      ...(r.reason !== null ? { reason: r.reason } : {}),
    }));
  }
}

export interface StoredVoiceEntry {
  at: number;
  text: string;
  confidence: number;
  context: string;
  intent: string | null;
  wakeWord: boolean;
  outcome: string;
  detail: string | null;
}

export class VoiceLogRepo {
  constructor(private readonly db: Db, private readonly keep = 5000) {}
  record(e: StoredVoiceEntry): void {
    this.db
      .prepare('INSERT INTO voice_log (at, text, confidence, context, intent, wake_word, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.text, e.confidence, e.context, e.intent, e.wakeWord ? 1 : 0, e.outcome, e.detail);
    this.db.prepare('DELETE FROM voice_log WHERE id <= (SELECT MAX(id) - ? FROM voice_log)').run(this.keep);
  }
  recent(limit = 50): StoredVoiceEntry[] {
    const rows = this.db.prepare('SELECT * FROM voice_log ORDER BY id DESC LIMIT ?').all(limit) as {
      at: number; text: string; confidence: number; context: string; intent: string | null; wake_word: number; outcome: string; detail: string | null;
    }[];
    return rows.map((r) => ({ at: r.at, text: r.text, confidence: r.confidence, context: r.context, intent: r.intent, wakeWord: r.wake_word === 1, outcome: r.outcome, detail: r.detail }));
  }
}
