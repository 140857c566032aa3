// The audit trail of the other intercom systems (migration 10): one row per thing the panel asked
// Akuvox, ISDP or the IoT video platform to do, newest 10000 kept.
import type { Db } from './database.js';

export interface StoredSystemAction {
  at: number;
  system: 'akuvox' | 'isdp' | 'iot-video';
  /** 'open-relay' | 'call-device' | 'voice-intercom' | 'create-temp-key' | 'delete-temp-keys' */
  action: string;
  /** What was acted on, as the system names it (MAC/relay_id, device id, camera id). */
  target: string;
  targetName: string;
  via?: 'touch' | 'voice' | undefined;
  transcript?: string | undefined;
  confidence?: number | undefined;
  /** 'ok' | 'failed' | 'rate-limited' | 'refused' */
  result: string;
  reason?: string | undefined;
  latencyMs: number;
}

interface Row {
  at: number; system: StoredSystemAction['system']; action: string; target: string; target_name: string; via: 'touch' | 'voice' | null;
  transcript: string | null; confidence: number | null; result: string; reason: string | null; latency_ms: number;
}

export class SystemActionsRepo {
  constructor(private readonly db: Db, private readonly keep = 10_000) {}

  record(a: StoredSystemAction): void {
    this.db
      .prepare(`INSERT INTO system_actions (at, system, action, target, target_name, via, transcript, confidence, result, reason, latency_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(a.at, a.system, a.action, a.target, a.targetName, a.via ?? null, a.transcript ?? null, a.confidence ?? null, a.result, a.reason ?? null, Math.round(a.latencyMs));
    this.db.prepare('DELETE FROM system_actions WHERE id <= (SELECT MAX(id) - ? FROM system_actions)').run(this.keep);
  }

  recent(limit = 50): StoredSystemAction[] {
    return (this.db.prepare('SELECT * FROM system_actions ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => ({
      at: r.at, system: r.system, action: r.action, target: r.target, targetName: r.target_name,
      ...(r.via !== null ? { via: r.via } : {}), ...(r.transcript !== null ? { transcript: r.transcript } : {}),
      ...(r.confidence !== null ? { confidence: r.confidence } : {}), result: r.result,
      ...(r.reason !== null ? { reason: r.reason } : {}), latencyMs: r.latency_ms,
    }));
  }
}
