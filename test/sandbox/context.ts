// What every handler and store function needs: the database, the clock and the fixed settings.
import type { Logger } from 'pino';
import type { Db } from './db.js';

export interface SipServer { host: string; port: number }

export interface SandboxContext {
  db: Db;
  now: () => number;
  sip: SipServer;
  qrLifetimeMs: number;
  tokenLifetimeMs: number;
  app: { appKey: string; appSecret: string };
  log: Logger;
  /** Told of every SIP account created or given a new password (a registrar that must know them). */
  onSipAccount?: (sipNumber: string, sipPassword: string) => void;
}
