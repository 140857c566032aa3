// The devices the house may use, from entrance/device/list (seed 001 lines 4890-4940): its doors,
// and the elevator controllers (梯控) the platform lists with them. Kept for a short while so a
// choice offered a moment ago is the list the resident answers.
import type { Door, Elevator } from '../../contract/index.js';
import { entranceDeviceList } from '../platform/community-api.js';
import type { CommunityCloud } from './cloud.js';

/** The seed pages the list; 50 a page, and a house never has more than a few pages' worth. */
const PAGE_SIZE = 50;
const MAX_PAGES = 10;

export interface Devices {
  doors: Door[];
  elevators: Elevator[];
}

/** An elevator controller's category, as the platform names the 梯控 category. */
export function isElevatorCategory(categoryName: string | null | undefined): boolean {
  return categoryName !== null && categoryName !== undefined && /梯控|电梯/.test(categoryName);
}

export class DeviceDirectory {
  private cached: { at: number; houseSpaceId: string; devices: Devices } | null = null;

  constructor(private readonly cloud: CommunityCloud, private readonly ttlMs: number) {}

  /** Fresh enough from the cache, else from the cloud; the last list when the cloud fails, if there is one. */
  async devices(houseSpaceId: string): Promise<Devices> {
    const c = this.cached;
    if (c && c.houseSpaceId === houseSpaceId && this.cloud.now() - c.at < this.ttlMs) return c.devices;
    try {
      const devices = await this.fetch();
      this.cached = { at: this.cloud.now(), houseSpaceId, devices };
      return devices;
    } catch (e) {
      if (c && c.houseSpaceId === houseSpaceId) return c.devices;
      throw e;
    }
  }

  /** The bound house's doors or elevators; none while unbound. */
  async of(kind: keyof Devices): Promise<Door[]> {
    const house = this.cloud.house();
    return house ? (await this.devices(house.houseSpaceId))[kind] : [];
  }

  forget(): void {
    this.cached = null;
  }

  private async fetch(): Promise<Devices> {
    const doors: Door[] = [];
    const elevators: Elevator[] = [];
    for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo++) {
      const page = await this.cloud.call(entranceDeviceList, { ...this.cloud.identity(), pageSize: PAGE_SIZE, pageNo });
      for (const d of page.data) {
        // status 1 is online; 0 (initialising), 3 (offline) and 8 (disabled) cannot act now.
        const device = { iotId: d.iotId, name: d.nickName || d.deviceName, online: d.status === 1 };
        if (isElevatorCategory(d.categoryName)) elevators.push(device);
        else doors.push(device);
      }
      if (page.data.length < PAGE_SIZE || pageNo * PAGE_SIZE >= page.total) break;
    }
    return { doors, elevators };
  }
}

/** Which device a request means: the one named, the only one, or a question. */
export type Choice<T> = { kind: 'one'; device: T } | { kind: 'unknown'; iotId: string } | { kind: 'none' } | { kind: 'several'; devices: T[] };

export function choose<T extends { iotId: string }>(devices: T[], iotId: string | undefined): Choice<T> {
  if (iotId !== undefined) {
    const device = devices.find((d) => d.iotId === iotId);
    return device ? { kind: 'one', device } : { kind: 'unknown', iotId };
  }
  const [only, ...more] = devices;
  if (!only) return { kind: 'none' };
  return more.length > 0 ? { kind: 'several', devices } : { kind: 'one', device: only };
}
