// 开门 at home (seed 001 line 797: "天猫精灵，开门" opens the unit door): the house's doors from
// entrance/device/list, a choice when there are several, and the opening through the terminal's
// own unitdoor/open, or the generic remoteOpen thing service where the platform does not route
// unitdoor/open. Every attempt is logged in SQLite (door_opens) whatever its outcome.
import type { Door, DoorOpenOutcome } from '../../contract/index.js';
import type { Logger } from '../log/index.js';
import { unitDoorOpen } from '../platform/community-api.js';
import type { Store } from '../store/index.js';
import { isNotRouted, type CommunityCloud } from './cloud.js';
import { choose, type DeviceDirectory } from './devices.js';
import { describeServiceFailure } from './problems.js';

export type DoorOpenMethod = 'unitdoor/open' | 'remoteOpen';

export interface DoorServiceOptions {
  cloud: CommunityCloud;
  devices: DeviceDirectory;
  store: Store;
  logger: Logger;
  /** A second open of the same door within this time is refused (a repeated 开门 is not two openings). */
  repeatGuardMs: number;
}

export class DoorService {
  private lastOpened = new Map<string, number>();

  constructor(private readonly o: DoorServiceOptions) {}

  list(): Promise<Door[]> {
    return this.o.devices.of('doors');
  }

  async open({ iotId, via }: { iotId?: string | undefined; via: 'touch' | 'voice' }): Promise<DoorOpenOutcome> {
    const startedAt = this.o.cloud.now();
    if (!this.o.cloud.house()) return { status: 'failed', door: null, message: '本机尚未绑定房屋，无法开门' };
    let doors: Door[];
    try {
      doors = await this.o.devices.of('doors');
    } catch (e) {
      const f = describeServiceFailure(e, 'door');
      const door = iotId ? { iotId, name: iotId, online: false } : null;
      this.log(door, 'none', via, 'failed', f, startedAt);
      return { status: 'failed', door, message: `开门失败：${f.message}` };
    }
    const choice = choose(doors, iotId);
    switch (choice.kind) {
      case 'unknown': {
        const f = { message: '找不到这扇门，它可能已不再服务本房屋', detail: `iotId ${choice.iotId} is not in entrance/device/list` };
        this.log({ iotId: choice.iotId, name: choice.iotId, online: false }, 'none', via, 'failed', f, startedAt);
        return { status: 'failed', door: null, message: `开门失败：${f.message}` };
      }
      case 'none':
        return { status: 'failed', door: null, message: '本房屋没有可以远程打开的门' };
      case 'several':
        return { status: 'choose', choices: choice.devices, message: `有${choice.devices.length}扇门，请问要打开哪一扇？` };
      case 'one':
        return this.openDoor(choice.device, via, startedAt);
    }
  }

  private async openDoor(door: Door, via: 'touch' | 'voice', startedAt: number): Promise<DoorOpenOutcome> {
    const last = this.lastOpened.get(door.iotId);
    if (last !== undefined && startedAt - last < this.o.repeatGuardMs) {
      this.log(door, 'none', via, 'rate-limited', { message: '门刚刚已经打开', detail: `opened ${startedAt - last} ms ago` }, startedAt);
      return { status: 'opened', door, message: `${door.name}刚刚已经打开` };
    }
    let method: DoorOpenMethod = 'unitdoor/open';
    try {
      try {
        await this.o.cloud.call(unitDoorOpen, { ...this.o.cloud.identity(), iotId: door.iotId });
      } catch (e) {
        if (!isNotRouted(e)) throw e;
        // The platform has no terminal door API: the door's own thing service opens it.
        method = 'remoteOpen';
        await this.o.cloud.invoke(door.iotId, 'remoteOpen', {});
      }
    } catch (e) {
      const f = describeServiceFailure(e, 'door');
      this.log(door, method, via, 'failed', f, startedAt);
      return { status: 'failed', door, message: `${door.name}开门失败：${f.message}` };
    }
    this.lastOpened.set(door.iotId, this.o.cloud.now());
    this.log(door, method, via, 'ok', null, startedAt);
    return { status: 'opened', door, message: `${door.name}已打开` };
  }

  private log(door: Door | null, method: DoorOpenMethod | 'none', via: string, result: 'ok' | 'failed' | 'rate-limited', failure: { message: string; detail: string } | null, startedAt: number): void {
    const latencyMs = this.o.cloud.now() - startedAt;
    const entry = {
      at: startedAt, iotId: door?.iotId ?? '', doorName: door?.name ?? '', method, via, result, latencyMs,
      ...(failure ? { reason: `${failure.message} (${failure.detail})` } : {}),
    };
    try {
      this.o.store.doorOpens.record(entry);
    } catch (e) {
      // The door's fate matters more than its log line: report, but do not turn an opened door into a failure.
      this.o.logger.error({ err: (e as Error).message }, 'could not log a door opening');
    }
    this.o.logger.info({ iotId: entry.iotId, method, via, result, latencyMs, detail: failure?.detail }, 'door open');
  }
}
