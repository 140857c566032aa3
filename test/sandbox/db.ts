// The sandbox's state lives in a real SQLite file (WAL), so a restart with the same file keeps
// bindings, tokens and SIP accounts, exactly like a cloud that outlives the panel.
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS communities (community_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spaces (
  space_id TEXT PRIMARY KEY,
  community_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('community', 'unit', 'house', 'office')),
  parent_id TEXT,
  name TEXT NOT NULL,
  building_no TEXT,
  unit_no TEXT,
  room_no TEXT,
  sip_group_id TEXT
);
CREATE TABLE IF NOT EXISTS sip_accounts (
  sip_number TEXT PRIMARY KEY,
  sip_password TEXT NOT NULL,
  type INTEGER NOT NULL CHECK (type IN (0, 1)),
  server_id TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sip_groups (group_id TEXT PRIMARY KEY, create_time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sip_group_members (
  group_id TEXT NOT NULL,
  sip_number TEXT NOT NULL,
  PRIMARY KEY (group_id, sip_number)
);
CREATE TABLE IF NOT EXISTS entrance_devices (
  iot_id TEXT PRIMARY KEY,
  community_id INTEGER NOT NULL,
  device_name TEXT NOT NULL,
  nick_name TEXT NOT NULL,
  product_key TEXT NOT NULL,
  product_name TEXT NOT NULL,
  mode INTEGER NOT NULL,
  unit_space_id TEXT,
  status INTEGER NOT NULL,
  sip_number TEXT,
  sip_password TEXT,
  sip_host TEXT,
  sip_port TEXT
);
CREATE TABLE IF NOT EXISTS room_maps (
  iot_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  PRIMARY KEY (iot_id, room_id)
);
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  qr_code TEXT UNIQUE,
  qr_expires_at INTEGER,
  qr_issued_at INTEGER,
  PRIMARY KEY (device_id, device_type)
);
CREATE TABLE IF NOT EXISTS bindings (
  bind_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  community_id INTEGER NOT NULL,
  house_space_id TEXT NOT NULL,
  nick_name TEXT NOT NULL,
  sip_number TEXT NOT NULL,
  bind_type INTEGER NOT NULL,
  paas_identity_id TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (device_id, device_type)
);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY,
  community_id INTEGER NOT NULL,
  app_key TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
-- Notices (seed 001 "公告服务"). publications and space_ids are JSON arrays.
CREATE TABLE IF NOT EXISTS notices (
  message_id INTEGER PRIMARY KEY AUTOINCREMENT,
  community_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  publications TEXT NOT NULL,
  type INTEGER NOT NULL,
  is_top INTEGER NOT NULL,
  publish_type INTEGER NOT NULL,
  publish_range INTEGER NOT NULL,
  space_ids TEXT NOT NULL,
  gmt_create INTEGER NOT NULL
);
-- Elevator controllers (梯控设备, seed 001 lines 26162-26700), one row per controller; its cars are
-- elevator_cars. status as for entrance devices (1 online, 3 offline); fault 'send-fail' makes
-- the controller answer code 4 "send to device fail".
CREATE TABLE IF NOT EXISTS elevator_devices (
  iot_id TEXT PRIMARY KEY,
  community_id INTEGER NOT NULL,
  unit_space_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  nick_name TEXT NOT NULL,
  product_key TEXT NOT NULL,
  product_name TEXT NOT NULL,
  elevator_mode TEXT NOT NULL,
  status INTEGER NOT NULL,
  fault TEXT
);
CREATE TABLE IF NOT EXISTS elevator_cars (
  iot_id TEXT NOT NULL,
  elevator_id TEXT NOT NULL,
  name TEXT NOT NULL,
  dual_door INTEGER NOT NULL,
  home_floor TEXT NOT NULL,
  PRIMARY KEY (iot_id, elevator_id)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
`;

export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // Tests and the CLI may briefly share the file (e.g. a restart while the old handle closes).
  db.pragma('busy_timeout = 2000');
  db.exec(SCHEMA);
  return db;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
