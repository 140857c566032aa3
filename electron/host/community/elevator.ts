// 帮我呼叫电梯 (seed 001 line 803; elevator APIs lines 26162-26700): the resident's floor, asked on
// first use and stored; the call to that floor through /elevator/control/elevator/call (or the
// CloudCallElevator thing service where that API is not routed); then QueryElevatorStatus every
// second until the car stands at the floor, shown live in `state.elevator`.
import type { z } from 'zod';
import { floorSchema, type Elevator, type ElevatorCallOutcome, type ElevatorProgress } from '../../contract/index.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log/index.js';
import { PlatformError } from '../platform/index.js';
import { ELEVATOR_OK, ELEVATOR_SEND_FAIL, elevatorCall, thingServiceInvoke, type elevatorStatusItem } from '../platform/community-api.js';
import type { Store } from '../store/index.js';
import { isDeviceOffline, isNotRouted, type CommunityCloud, type House } from './cloud.js';
import { choose, type DeviceDirectory } from './devices.js';
import { describeServiceFailure, SEND_TO_DEVICE_FAIL } from './problems.js';

type CarStatus = z.infer<typeof elevatorStatusItem>;

export interface ElevatorTiming {
  /** QueryElevatorStatus this often while the car comes. */
  statusPollMs: number;
  /** Give up when the car has not arrived after this long. */
  giveUpMs: number;
  /** Status queries that may fail in a row (network) before the call is reported failed. */
  maxStatusFailures: number;
  /** The arrived (or failed) view stays this long unless dismissed. */
  lingerMs: number;
}

/** The floor is stored per house: a panel moved to another house asks again. */
const floorKey = (houseSpaceId: string): string => `elevator.floor:${houseSpaceId}`;

export interface ElevatorServiceOptions {
  cloud: CommunityCloud;
  devices: DeviceDirectory;
  store: Store;
  logger: Logger;
  timing: ElevatorTiming;
  onChange: () => void;
}

interface Running {
  progress: ElevatorProgress;
  timer: NodeJS.Timeout | null;
  failures: number;
  done: boolean;
}

/** "12层", "负1层": how a floor is said. */
export function floorWords(floor: string): string {
  return floor.startsWith('-') ? `负${floor.slice(1)}层` : `${floor}层`;
}

/** The room number at the end of a house name ("1幢1单元1201" → "1201"). */
export function roomOf(houseName: string): string | null {
  return /(\d{3,4})$/.exec(houseName)?.[1] ?? null;
}

/** Room 1201 is on floor 12, room 101 on floor 1 (the usual numbering; the resident confirms it). */
export function floorOfRoom(room: string): string {
  return String(Number(room.slice(0, -2)));
}

export class ElevatorService {
  private running: Running | null = null;
  private closed = false;

  constructor(private readonly o: ElevatorServiceOptions) {}

  get progress(): ElevatorProgress | null {
    return this.running?.progress ?? null;
  }

  /** An unbound panel follows no elevator. */
  sync(house: House | null): void {
    if (house) return;
    if (this.running) this.dismiss();
  }

  floor(): { floor: string | null; suggested: string | null } {
    const house = this.o.cloud.house();
    if (!house) return { floor: null, suggested: null };
    const room = roomOf(house.houseName);
    return { floor: this.o.store.settings.get(floorKey(house.houseSpaceId)) || null, suggested: room ? floorOfRoom(room) : null };
  }

  setFloor(floor: string): string {
    const house = this.o.cloud.house();
    if (!house) throw new UserFacingError('not-bound', '本机尚未绑定房屋');
    const parsed = floorSchema.safeParse(floor);
    if (!parsed.success) throw new UserFacingError('bad-floor', parsed.error.issues[0]?.message ?? '楼层无效');
    // "012" and "12" are the same floor to the elevator, which names floors without leading zeros.
    const canonical = String(Number(parsed.data));
    if (canonical === '0') throw new UserFacingError('bad-floor', '没有0层，地下一层请说负1层');
    this.o.store.settings.set(floorKey(house.houseSpaceId), canonical);
    this.o.logger.info({ floor: canonical }, 'resident floor stored');
    return canonical;
  }

  list(): Promise<Elevator[]> {
    return this.o.devices.of('elevators');
  }

  async call(req: { iotId?: string | undefined; via: 'touch' | 'voice' }): Promise<ElevatorCallOutcome> {
    const house = this.o.cloud.house();
    if (!house) return { status: 'failed', elevator: null, message: '本机尚未绑定房屋，无法呼叫电梯' };
    const { floor, suggested } = this.floor();
    if (!floor) {
      return { status: 'need-floor', suggested, message: suggested ? `请告诉我您住在几楼，是${floorWords(suggested)}吗？` : '请告诉我您住在几楼' };
    }
    let elevators: Elevator[];
    try {
      elevators = await this.o.devices.of('elevators');
    } catch (e) {
      return { status: 'failed', elevator: null, message: `呼叫电梯失败：${describeServiceFailure(e, 'elevator').message}` };
    }
    const choice = choose(elevators, req.iotId);
    switch (choice.kind) {
      case 'unknown':
        return { status: 'failed', elevator: null, message: '找不到这部电梯，它可能已不再服务本楼' };
      case 'none':
        return { status: 'failed', elevator: null, message: '本楼没有可以呼叫的电梯' };
      case 'several':
        return { status: 'choose', choices: choice.devices, message: `有${choice.devices.length}部电梯，请问要呼叫哪一部？` };
      case 'one':
        return this.callCar(choice.device, floor, house, req.via);
    }
  }

  private async callCar(elevator: Elevator, floor: string, house: House, via: 'touch' | 'voice'): Promise<ElevatorCallOutcome> {
    this.stop();
    const now = this.o.cloud.now();
    const running: Running = {
      progress: {
        iotId: elevator.iotId, name: elevator.name, floor, state: 'calling', carFloor: null, direction: 'unknown', arrived: false,
        message: `正在呼叫${elevator.name}到${floorWords(floor)}…`, startedAt: now, updatedAt: now,
      },
      timer: null, failures: 0, done: false,
    };
    this.running = running;
    this.o.onChange();
    try {
      await this.send(elevator, floor, house);
    } catch (e) {
      const f = describeServiceFailure(e, 'elevator');
      this.o.logger.warn({ iotId: elevator.iotId, via, detail: f.detail }, 'elevator call failed');
      this.finish(running, 'failed', `呼叫${elevator.name}失败：${f.message}`);
      return { status: 'failed', elevator, message: running.progress.message };
    }
    this.o.logger.info({ iotId: elevator.iotId, floor, via }, 'elevator called');
    this.update(running, { state: 'coming', message: `已呼叫${elevator.name}，请稍候` });
    void this.poll(running, elevator);
    return { status: 'calling', progress: running.progress, message: running.progress.message };
  }

  /** The resident has seen it: stop following the car (it still comes). */
  dismiss(): void {
    if (!this.running) return;
    this.stop();
    this.o.onChange();
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  // ------------------------------------------------------------------ internals

  private async send(elevator: Elevator, floor: string, house: House): Promise<void> {
    const room = roomOf(house.houseName);
    // startRoomNo picks the door of a dual-door car; only the resident's own floor has their room.
    const startRoomNo = room && floorOfRoom(room) === floor ? room : undefined;
    try {
      await this.o.cloud.call(elevatorCall, { iotId: elevator.iotId, startFloor: floor, ...(startRoomNo ? { startRoomNo } : {}) });
    } catch (e) {
      if (!isNotRouted(e)) throw e;
      // No remote-call API on this platform: the controller's own service, for its first car.
      const info = await this.o.cloud.invoke(elevator.iotId, 'QueryElevatorInfo', {});
      if (info.code !== ELEVATOR_OK) throw elevatorResult(info.code, info.message);
      const car = info.ElevatorInfo?.[0];
      if (!car) throw new PlatformError('bad-reply', thingServiceInvoke.path, 'QueryElevatorInfo lists no elevator');
      const r = await this.o.cloud.invoke(elevator.iotId, 'CloudCallElevator', { ElevatorID: car.ElevatorID, StartFloor: floor, ...(startRoomNo ? { StartRoomNumber: startRoomNo } : {}) });
      if (r.code !== ELEVATOR_OK) throw elevatorResult(r.code, r.message);
    }
  }

  private async poll(running: Running, elevator: Elevator): Promise<void> {
    if (running.done || this.closed) return;
    const { floor } = running.progress;
    if (this.o.cloud.now() - running.progress.startedAt > this.o.timing.giveUpMs) {
      this.finish(running, 'failed', `${elevator.name}长时间没有到达${floorWords(floor)}，请稍后再试`);
      return;
    }
    try {
      const r = await this.o.cloud.invoke(elevator.iotId, 'QueryElevatorStatus', {});
      if (r.code !== ELEVATOR_OK) throw elevatorResult(r.code, r.message);
      if (running.done) return;
      running.failures = 0;
      const car = pickCar(r.ElevatorStatus ?? [], floor);
      if (car) this.show(running, car);
    } catch (e) {
      if (running.done) return;
      running.failures += 1;
      const f = describeServiceFailure(e, 'elevator');
      const fatal = isDeviceOffline(e) || (e instanceof PlatformError && e.code === ELEVATOR_SEND_FAIL) || running.failures >= this.o.timing.maxStatusFailures;
      this.o.logger.warn({ iotId: elevator.iotId, failures: running.failures, detail: f.detail }, 'elevator status failed');
      if (fatal) {
        this.finish(running, 'failed', `无法获取${elevator.name}的状态：${f.message}`);
        return;
      }
    }
    if (running.done) return;
    running.timer = setTimeout(() => void this.poll(running, elevator), this.o.timing.statusPollMs);
  }

  private show(running: Running, car: CarStatus): void {
    const { floor, name } = running.progress;
    const direction = car.CarDirection === 1 ? 'up' : car.CarDirection === 2 ? 'down' : car.CarDirection === 0 ? 'none' : 'unknown';
    if (car.CurrentPosition === floor && car.CarStatus === 0) {
      this.finish(running, 'arrived', `${name}已到达${floorWords(floor)}`, { carFloor: car.CurrentPosition, direction });
      return;
    }
    const moving = direction === 'up' ? '上行中' : direction === 'down' ? '下行中' : '停靠中';
    this.update(running, { carFloor: car.CurrentPosition, direction, message: `${name}${moving}，当前${floorWords(car.CurrentPosition)}` });
  }

  private update(running: Running, patch: Partial<ElevatorProgress>): void {
    if (this.running !== running) return;
    running.progress = { ...running.progress, ...patch, updatedAt: this.o.cloud.now() };
    this.o.onChange();
  }

  private finish(running: Running, state: 'arrived' | 'failed', message: string, patch: Partial<ElevatorProgress> = {}): void {
    running.done = true;
    if (running.timer) clearTimeout(running.timer);
    this.update(running, { ...patch, state, arrived: state === 'arrived', message });
    running.timer = setTimeout(() => {
      if (this.running !== running) return;
      this.running = null;
      this.o.onChange();
    }, this.o.timing.lingerMs);
  }

  private stop(): void {
    const r = this.running;
    if (!r) return;
    r.done = true;
    if (r.timer) clearTimeout(r.timer);
    this.running = null;
  }
}

/** The elevator services' own result code as an error the failure wording understands. */
function elevatorResult(code: number, message: string | null | undefined): PlatformError {
  const localized = code === ELEVATOR_SEND_FAIL ? SEND_TO_DEVICE_FAIL : null;
  return new PlatformError('api', thingServiceInvoke.path, `elevator service result ${code} ${message ?? ''}`.trim(), code, localized);
}

/**
 * The car serving the call when a controller drives several: one standing at the floor, else
 * the nearest one heading for it, else the nearest.
 */
export function pickCar(cars: CarStatus[], floor: string): CarStatus | undefined {
  const at = cars.find((c) => c.CurrentPosition === floor && c.CarStatus === 0);
  if (at || cars.length <= 1) return at ?? cars[0];
  const target = Number(floor);
  const distance = (c: CarStatus): number => Math.abs(Number(c.CurrentPosition) - target) || 0;
  const heading = cars.filter((c) => {
    const pos = Number(c.CurrentPosition);
    return (c.CarDirection === 1 && pos < target) || (c.CarDirection === 2 && pos > target);
  });
  return [...(heading.length > 0 ? heading : cars)].sort((a, b) => distance(a) - distance(b))[0];
}
