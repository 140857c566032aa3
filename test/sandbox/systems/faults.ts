// Fault injection for the other systems (Akuvox, ISDP, IoT video): the next N calls of one command,
// path or Action answer with that system's own failure reply, or with a success whose payload
// breaks its schema; and a per-system "down" switch (HTTP 503, empty body).
import { z } from 'zod';
import type { SystemName } from '../../../electron/host/platform/systems/http.js';

export const SYSTEM_NAMES = ['akuvox', 'isdp', 'iot-video'] as const satisfies readonly SystemName[];

export const systemFaultSchema = z.object({
  system: z.enum(SYSTEM_NAMES),
  /** Akuvox: the command; ISDP: "token" or "send"; IoT video: the Action. */
  target: z.string().min(1),
  /** HTTP status of the failure reply (default 200: the systems send business failures with 200). */
  status: z.number().int().min(200).max(599).optional(),
  /** The failure code: Akuvox result.code, ISDP stateCode, IoT video Code (default per system). */
  code: z.string().min(1).optional(),
  message: z.string().min(1).optional(),
  times: z.number().int().min(1).default(1),
  /** A success whose payload breaks the documented schema. */
  malformed: z.literal(true).optional(),
});
export type SystemFaultInput = z.input<typeof systemFaultSchema>;
export type SystemFault = z.output<typeof systemFaultSchema>;

export class SystemFaults {
  private readonly armed: { fault: SystemFault; left: number }[] = [];
  private readonly downSystems = new Set<SystemName>();

  add(input: SystemFaultInput): void {
    const fault = systemFaultSchema.parse(input);
    this.armed.push({ fault, left: fault.times });
  }

  /** Uses up one firing of the oldest fault armed for this system and target. */
  take(system: SystemName, target: string): SystemFault | undefined {
    const i = this.armed.findIndex((a) => a.fault.system === system && a.fault.target === target);
    const entry = this.armed[i];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.armed.splice(i, 1);
    return entry.fault;
  }

  setDown(system: SystemName, down: boolean): void {
    if (down) this.downSystems.add(system);
    else this.downSystems.delete(system);
  }

  isDown(system: SystemName): boolean {
    return this.downSystems.has(system);
  }

  clear(): void {
    this.armed.length = 0;
    this.downSystems.clear();
  }

  pending(): { fault: SystemFault; left: number }[] {
    return this.armed.map((a) => ({ ...a }));
  }
}
