// What every handler and store function needs: the database, the clock and the fixed settings.
import type { Logger } from 'pino';
import type { ChangeFeed } from './change-feed.js';
import type { Db } from './db.js';
import type { ElevatorSimulation } from './elevator-sim.js';

export interface SipServer { host: string; port: number }

export interface SandboxContext {
  db: Db;
  now: () => number;
  sip: SipServer;
  qrLifetimeMs: number;
  tokenLifetimeMs: number;
  app: { appKey: string; appSecret: string };
  log: Logger;
  /** Data changes for the push topics (notices). */
  changes: ChangeFeed;
  /** The elevator cars, moving on this context's clock. */
  elevators: ElevatorSimulation;
  /** Told of every SIP account created or given a new password (a registrar that must know them). */
  onSipAccount?: (sipNumber: string, sipPassword: string) => void;
}
