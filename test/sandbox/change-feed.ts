// The platform's change push (seed 001 lines 10200-10274): stores publish a change here, and the
// push endpoint (push.ts) delivers it to every subscriber of the topic.
import type { ChangePayload } from '../../electron/host/platform/community-api.js';

/** `biz` of the topic /sys/appkey/${appkey}/community/${biz}/change. Only notices are emulated. */
export interface Change { biz: 'message'; payload: ChangePayload }

export class ChangeFeed {
  private readonly listeners = new Set<(c: Change) => void>();

  publish(change: Change): void {
    for (const l of this.listeners) l(change);
  }

  subscribe(listener: (c: Change) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
