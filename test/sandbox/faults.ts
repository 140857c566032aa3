// Test-only fault injection: the next N calls to a path answer with an error code, or with a
// success whose `data` breaks its schema; and a switch that makes the whole gateway unreachable.
import { z } from 'zod';

export const faultSchema = z.object({
  path: z.string().startsWith('/'),
  code: z.number().int().optional(),
  times: z.number().int().min(1).default(1),
  malformed: z.literal(true).optional(),
  /** The envelope's `message`, to reproduce a specific refusal (e.g. "sign mismatch"). */
  message: z.string().min(1).optional(),
}).refine((f) => f.code !== undefined || f.malformed === true, { message: 'give code or malformed: true' });
export type FaultInput = z.input<typeof faultSchema>;

export type Fault = { kind: 'code'; code: number; message?: string } | { kind: 'malformed' };

export class FaultBoard {
  private readonly queue = new Map<string, { fault: Fault; left: number }[]>();
  private readonly switchListeners = new Set<() => void>();
  private gatewayDown = false;
  private changePushDown = false;

  /** The whole gateway is unreachable (HTTP 503, push connections dropped and refused). */
  get down(): boolean {
    return this.gatewayDown;
  }
  set down(down: boolean) {
    this.gatewayDown = down;
    for (const l of this.switchListeners) l();
  }

  /** Only the change push is unavailable: subscribers are dropped and refused, the APIs answer. */
  get pushDown(): boolean {
    return this.changePushDown;
  }
  set pushDown(down: boolean) {
    this.changePushDown = down;
    for (const l of this.switchListeners) l();
  }

  /** Told when `down` or `pushDown` changes. */
  onSwitch(listener: () => void): () => void {
    this.switchListeners.add(listener);
    return () => void this.switchListeners.delete(listener);
  }

  add(input: FaultInput): void {
    const f = faultSchema.parse(input);
    const fault: Fault = f.malformed ? { kind: 'malformed' } : { kind: 'code', code: f.code ?? 500, ...(f.message ? { message: f.message } : {}) };
    const list = this.queue.get(f.path) ?? [];
    list.push({ fault, left: f.times });
    this.queue.set(f.path, list);
  }

  /** Consumes one use of the oldest fault armed for `path`. */
  take(path: string): Fault | undefined {
    const list = this.queue.get(path);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.left -= 1;
    if (head.left <= 0) list.shift();
    if (list.length === 0) this.queue.delete(path);
    return head.fault;
  }

  clear(): void {
    this.queue.clear();
  }

  pending(): { path: string; fault: Fault; left: number }[] {
    return [...this.queue.entries()].flatMap(([path, list]) => list.map((e) => ({ path, ...e })));
  }
}
