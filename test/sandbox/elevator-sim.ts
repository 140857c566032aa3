// Elevator cars moving floor by floor on the sandbox's clock. Positions are computed from the
// clock when asked (no timers), so a test with a fake clock moves a car by moving the clock, and
// a real-clock sandbox sees it move in real time. State lives in memory: a restarted sandbox
// finds every car idle at its home floor.

export interface ElevatorTiming {
  /** Travel time per floor (default 1500 ms). */
  floorMs: number;
  /** How long a car stands at a stop with its doors open before it moves on (default 4000 ms). */
  dwellMs: number;
}

export const DEFAULT_ELEVATOR_TIMING: ElevatorTiming = { floorMs: 1500, dwellMs: 4000 };

/** QueryElevatorStatus's fields for one car. */
export interface CarSnapshot {
  /** Index into the car's floors. */
  index: number;
  floor: string;
  /** 0 stopped, 1 running. */
  carStatus: 0 | 1;
  /** 0 none, 1 up, 2 down. */
  direction: 0 | 1 | 2;
}

class Car {
  /** Where the car is, or where the current leg started. */
  private pos: number;
  /** When the car is free to start its next leg from `pos` (after the dwell at its last stop). */
  private readyAt: number;
  private readonly stops: number[] = [];

  constructor(readonly floors: readonly string[], home: number, now: number) {
    this.pos = home;
    this.readyAt = now;
  }

  call(index: number, now: number, t: ElevatorTiming): void {
    this.settle(now, t);
    if (this.stops.includes(index)) return;
    // Idle at the floor asked for: it simply opens its doors.
    if (this.stops.length === 0 && this.pos === index) {
      this.readyAt = Math.max(this.readyAt, now + t.dwellMs);
      return;
    }
    if (this.stops.length === 0) this.readyAt = Math.max(this.readyAt, now);
    this.stops.push(index);
  }

  snapshot(now: number, t: ElevatorTiming): CarSnapshot {
    this.settle(now, t);
    const target = this.stops[0];
    if (target === undefined || now < this.readyAt) return { index: this.pos, floor: this.floors[this.pos] ?? '', carStatus: 0, direction: 0 };
    const step = Math.sign(target - this.pos);
    const moved = Math.min(Math.abs(target - this.pos), Math.floor((now - this.readyAt) / t.floorMs));
    const index = this.pos + step * moved;
    return { index, floor: this.floors[index] ?? '', carStatus: 1, direction: step > 0 ? 1 : 2 };
  }

  /** Completes every leg that has ended by `now`. */
  private settle(now: number, t: ElevatorTiming): void {
    for (let target = this.stops[0]; target !== undefined; target = this.stops[0]) {
      const arrival = this.readyAt + Math.abs(target - this.pos) * t.floorMs;
      if (arrival > now) return;
      this.pos = target;
      this.readyAt = arrival + t.dwellMs;
      this.stops.shift();
    }
  }
}

export class ElevatorSimulation {
  private readonly cars = new Map<string, Car>();
  readonly timing: ElevatorTiming;

  constructor(private readonly now: () => number, timing: Partial<ElevatorTiming> = {}) {
    this.timing = { ...DEFAULT_ELEVATOR_TIMING, ...timing };
  }

  /** Sends the car to these floors in order (e.g. the caller's floor, then the target). */
  call(key: CarKey, floorIndexes: number[]): void {
    const car = this.car(key);
    for (const i of floorIndexes) car.call(i, this.now(), this.timing);
  }

  snapshot(key: CarKey): CarSnapshot {
    return this.car(key).snapshot(this.now(), this.timing);
  }

  private car(key: CarKey): Car {
    const id = `${key.iotId}/${key.elevatorId}`;
    let car = this.cars.get(id);
    if (!car) {
      car = new Car(key.floors, Math.max(0, key.floors.indexOf(key.homeFloor)), this.now());
      this.cars.set(id, car);
    }
    return car;
  }
}

export interface CarKey {
  iotId: string;
  elevatorId: string;
  floors: readonly string[];
  homeFloor: string;
}
