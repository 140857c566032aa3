// One small repository per concern, all over the same database handle.
import type { Db } from './database.js';
import type { SecretCipher } from './secret-cipher.js';

export type SecretName = 'appSecret' | 'sipPassword';

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
