// What the other systems' handlers share: the sandbox's database and clock, its logger (ids only,
// secrets redacted), and the fault board.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../db.js';
import type { SystemFaults } from './faults.js';

export interface SystemsContext {
  db: Db;
  now: () => number;
  log: Logger;
  faults: SystemFaults;
}

/** The sandbox as this request reached it (URLs it hands out must point back at it). */
export function origin(req: FastifyRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** The request body as text (the sandbox keeps every body as a Buffer, see server.ts). */
export function bodyText(req: FastifyRequest): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

export function header(req: FastifyRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
