// Append-only: a shipped migration is never edited, a new version is added instead.
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- Values encrypted by the SecretCipher; never plaintext.
      CREATE TABLE secrets (name TEXT PRIMARY KEY, sealed BLOB NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE binding (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        bind_id TEXT,
        house_name TEXT NOT NULL,
        community_id INTEGER,
        bind_type INTEGER NOT NULL,
        bound_at INTEGER NOT NULL
      );
      CREATE TABLE intercom_channel (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        community_id INTEGER NOT NULL,
        house_name TEXT NOT NULL,
        unit_space_id TEXT NOT NULL,
        house_space_id TEXT NOT NULL,
        sip_group_id TEXT NOT NULL,
        sip_number TEXT NOT NULL,
        sip_host TEXT NOT NULL,
        sip_port INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL
      );
      CREATE TABLE problems (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        detail TEXT NOT NULL,
        at INTEGER NOT NULL
      );
    `,
  },
  {
    // Call history and the unlock audit trail (sip/calls). The unlock sequence survives reboots so
    // a restarted panel never reuses a reqsn a door may still hold in its 3 s duplicate window.
    version: 2,
    sql: `
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL,
        kind TEXT NOT NULL,
        remote_number TEXT NOT NULL,
        remote_display_name TEXT,
        state TEXT NOT NULL,
        end_reason TEXT,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER
      );
      CREATE INDEX calls_started_at ON calls (started_at);
      CREATE TABLE unlock_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        call_id TEXT NOT NULL,
        door_number TEXT NOT NULL,
        method TEXT NOT NULL,
        via TEXT NOT NULL,
        reqsn INTEGER,
        result TEXT NOT NULL,
        confirmed INTEGER NOT NULL,
        latency_ms INTEGER NOT NULL,
        reason TEXT
      );
      CREATE TABLE unlock_sequence (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        reqsn INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    // The door's picture at the time of a call, so a missed call shows who was there (issue 4).
    version: 3,
    sql: `
      CREATE TABLE call_snapshots (
        call_id TEXT PRIMARY KEY,
        jpeg BLOB NOT NULL,
        taken_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Every sentence the voice dialog acted on or refused, with its evidence (issue 5).
    version: 4,
    sql: `
      CREATE TABLE voice_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        text TEXT NOT NULL,
        confidence REAL NOT NULL,
        context TEXT NOT NULL,
        intent TEXT,
        wake_word INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX voice_log_at ON voice_log (at);
    `,
  },
  {
    // Community services (issue 6). notices mirrors the cloud's list for the bound house, so the
    // screen lists them offline too, with the panel's own read marks; notice_reads is the history
    // of what was read, kept after the cloud deletes a notice. door_opens logs every door opened
    // from the panel outside a call (开门 at home). The indexes on time serve pruning by age.
    version: 5,
    sql: `
      CREATE TABLE notices (
        message_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        publications TEXT NOT NULL,
        picture_url TEXT,
        type INTEGER NOT NULL,
        is_top INTEGER NOT NULL,
        gmt_create INTEGER NOT NULL,
        first_seen_at INTEGER NOT NULL,
        read_at INTEGER
      );
      CREATE TABLE notice_reads (
        message_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        type INTEGER NOT NULL,
        read_at INTEGER NOT NULL
      );
      CREATE INDEX notice_reads_read_at ON notice_reads (read_at);
      CREATE TABLE door_opens (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        iot_id TEXT NOT NULL,
        door_name TEXT NOT NULL,
        method TEXT NOT NULL,
        via TEXT NOT NULL,
        result TEXT NOT NULL,
        reason TEXT,
        latency_ms INTEGER NOT NULL
      );
      CREATE INDEX door_opens_at ON door_opens (at);
      CREATE INDEX unlock_attempts_at ON unlock_attempts (at);
    `,
  },
  {
    // Issue 7: what the panel asked the other intercom systems to do (an Akuvox relay opened, an
    // ISDP field device called, a camera's voice intercom queried, a temporary key made or
    // deleted), with the evidence a door open needs (touch or voice, transcript, confidence).
    // A temporary key itself is never stored: it opens a door.
    version: 6,
    sql: `
      CREATE TABLE system_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        system TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        target_name TEXT NOT NULL,
        via TEXT,
        transcript TEXT,
        confidence REAL,
        result TEXT NOT NULL,
        reason TEXT,
        latency_ms INTEGER NOT NULL
      );
      CREATE INDEX system_actions_at ON system_actions (at);
    `,
  },
];
