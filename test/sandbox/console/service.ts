// What the installer's web console can do, as plain functions: the console's HTTP endpoints
// call these, and tests may call them directly through `sandbox.console`.
import { bindByQr, listBindings, pendingDevices, requireBinding, unbind, type Binding, type PendingDevice } from '../binding-store.js';
import { bindableSpaces, listEntranceDevices, listEvents, type EntranceDevice, type SandboxEvent } from '../community-store.js';
import type { SandboxContext } from '../context.js';
import type { RingHouseOptions, RingHouseResult } from '../door-station/sandbox-hub.js';
import { ApiError } from '../errors.js';
import type { FaultBoard, FaultInput } from '../faults.js';
import { listSipAccounts, type SipAccount } from '../sip-store.js';

export interface HouseView {
  houseSpaceId: string;
  houseName: string;
  kind: 'house' | 'office';
  communityId: number;
  unitSpaceId: string | null;
  sipGroupId: string | null;
  bindings: Binding[];
}

export interface ConsoleBindInput { qrCode: string; houseSpaceId: string; deviceNickName?: string }

export interface SandboxConsole {
  houses(): HouseView[];
  pending(): PendingDevice[];
  bind(input: ConsoleBindInput): Binding;
  unbind(bindId: string): void;
  bindings(): Binding[];
  events(kind?: string): SandboxEvent[];
  /** With passwords: what a test's SIP registrar needs to provision the same accounts. */
  sipAccounts(): SipAccount[];
  doorStations(): EntranceDevice[];
  injectFault(fault: FaultInput): void;
  clearFaults(): void;
  setDown(down: boolean): void;
  /** The house's door station rings its panels (needs `doorStations` in startSandbox). */
  ring(houseSpaceId: string, opts?: RingHouseOptions): Promise<RingHouseResult>;
  /** Door openings, newest first: by the cloud API (unitdoor/open) and by the simulated doors (INFO / DTMF). */
  doorEvents(): SandboxEvent[];
}

/** What the console needs from the running door-station simulators. */
export interface DoorRinger {
  ring(houseSpaceId: string, opts?: RingHouseOptions): Promise<RingHouseResult>;
}

export const CONSOLE_DEFAULT_NICKNAME = '室内对讲终端';

export function createConsole(ctx: SandboxContext, faults: FaultBoard, doors: () => DoorRinger | undefined = () => undefined): SandboxConsole {
  return {
    houses() {
      const bindings = listBindings(ctx);
      return bindableSpaces(ctx).map((s) => ({
        houseSpaceId: s.spaceId,
        houseName: s.name,
        kind: s.kind === 'office' ? 'office' : 'house',
        communityId: s.communityId,
        unitSpaceId: s.kind === 'house' ? s.parentId : null,
        sipGroupId: s.sipGroupId,
        bindings: bindings.filter((b) => b.houseSpaceId === s.spaceId),
      }));
    },
    pending: () => pendingDevices(ctx),
    bind: (input) => {
      const b = bindByQr(ctx, { ...input, deviceNickName: input.deviceNickName || CONSOLE_DEFAULT_NICKNAME });
      ctx.log.info({ bindId: b.bindId, houseSpaceId: b.houseSpaceId }, 'device bound from console');
      return b;
    },
    unbind: (bindId) => unbind(ctx, requireBinding(ctx, bindId), 'console'),
    bindings: () => listBindings(ctx),
    events: (kind) => listEvents(ctx, kind),
    sipAccounts: () => listSipAccounts(ctx),
    doorStations: () => listEntranceDevices(ctx),
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    setDown: (down) => { faults.down = down; },
    ring: async (houseSpaceId, opts) => {
      const ringer = doors();
      if (!ringer) throw new ApiError(400, 'door station simulators are not running (start the sandbox with doorStations / --door-stations)', '门口机模拟器未启动');
      return ringer.ring(houseSpaceId, opts);
    },
    doorEvents: () => listEvents(ctx, 'door-open'),
  };
}
