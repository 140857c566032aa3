// The demo community, seeded once per database file. Ids are fixed and readable so tests, the
// console and the installer's notes can name them; seeding twice changes nothing.
import type { SandboxContext } from './context.js';
import { getMeta, setMeta } from './db.js';
import { PUBLISH_TYPE_TERMINAL } from '../../electron/host/platform/community-api.js';
import { addRoomMaps } from './community-store.js';
import { addNotice } from './notice-store.js';
import { createSipAccounts, createSipGroups, SIP_TYPE_DOOR } from './sip-store.js';

/** Sandbox-only demo credentials; printing them is intended. */
export const DEMO_APP = { appKey: '33960001', appSecret: 'lintel-sandbox-demo-secret-5a1c9e' } as const;

export const DEMO_COMMUNITY_ID = 10001;
export const DEMO_COMMUNITY_NAME = 'Lintel 演示小区';
export const DEMO_COMMUNITY_SPACE_ID = 'sp-10001';
export const DEMO_BUILDINGS = ['1', '2'] as const;
export const DEMO_UNITS = ['1', '2'] as const;
export const DEMO_ROOMS = ['101', '102', '1201', '1202'] as const;

export const unitSpaceId = (b: string, u: string) => `sp-unit-${b}-${u}`;
export const houseSpaceId = (b: string, u: string, r: string) => `sp-house-${b}-${u}-${r}`;
export const houseGroupId = (b: string, u: string, r: string) => `grp-${b}-${u}-${r}`;
export const houseName = (b: string, u: string, r: string) => `${b}幢${u}单元${r}`;

export const PROPERTY_OFFICE = {
  spaceId: 'sp-office-pmc',
  name: '物业服务中心',
  sipGroupId: 'grp-property-desk',
  /** Room "0" on a door station's keypad calls the property desk (a sandbox convention). */
  roomId: '1-0-0-0',
} as const;

export const DOOR_STATIONS = {
  unitDoor: {
    iotId: 'iot-door-1-1', deviceName: 'door_1_1', nickName: '1幢1单元门口机', mode: 0 as const,
    unitSpaceId: unitSpaceId('1', '1'), sipNumber: 'doorst0101', sipPassword: 'dp0101demo',
  },
  wall: {
    iotId: 'iot-wall-east', deviceName: 'wall_east', nickName: '小区东门围墙机', mode: 1 as const,
    unitSpaceId: null, sipNumber: 'wallst0001', sipPassword: 'wp0001demo',
  },
} as const;

/**
 * An entrance without an intercom (no SIP account): 1幢1单元 has two entrances, so a resident
 * there chooses which one 开门 opens.
 */
export const EXTRA_ENTRANCES = {
  garage: {
    iotId: 'iot-door-1-1-b1', deviceName: 'door_1_1_b1', nickName: '1幢1单元地库门', mode: 0 as const, unitSpaceId: unitSpaceId('1', '1'),
  },
} as const;

/** categoryId/categoryName of entrance/device/list: door devices, and elevator controllers (梯控). */
export const DOOR_CATEGORY = { categoryId: 1001, categoryName: '可视对讲门禁' } as const;
export const ELEVATOR_CATEGORY = { categoryId: 1002, categoryName: '梯控' } as const;

/** Every unit's floors, lowest first: the basement (-1) and 1..18 (rooms 101… on floor 1, 1201… on floor 12). */
export const DEMO_FLOORS: readonly string[] = ['-1', ...Array.from({ length: 18 }, (_, i) => String(i + 1))];

/**
 * Elevator controllers (梯控), one car each: 1幢1单元 has two (so a resident there chooses),
 * 2幢1单元 one, the other units none.
 */
export const ELEVATORS = {
  unit11a: { iotId: 'iot-lift-1-1-a', deviceName: 'lift_1_1_a', nickName: '1幢1单元1号梯', unitSpaceId: unitSpaceId('1', '1'), elevatorId: '1', carName: '1号梯', homeFloor: '1' },
  unit11b: { iotId: 'iot-lift-1-1-b', deviceName: 'lift_1_1_b', nickName: '1幢1单元2号梯', unitSpaceId: unitSpaceId('1', '1'), elevatorId: '2', carName: '2号梯', homeFloor: '9' },
  unit21a: { iotId: 'iot-lift-2-1-a', deviceName: 'lift_2_1_a', nickName: '2幢1单元1号梯', unitSpaceId: unitSpaceId('2', '1'), elevatorId: '1', carName: '1号梯', homeFloor: '1' },
} as const;

/** Two notices so a fresh `npm start` has something to list; one is pinned. */
export const DEMO_NOTICES = [
  { title: '物业费缴纳提醒', text: '请各位业主于本月底前缴纳下季度物业费，可在物业服务中心或线上缴纳。', type: 8, isTop: 1 },
  { title: '周六上午停水通知', text: '因管网检修，本周六上午8点至12点全小区停水，请提前储水。', type: 6, isTop: 0 },
] as const;

// 2: the garage entrance, the elevators and the demo notices (added to version-1 files on open).
const DEMO_VERSION = '2';

export function seedDemoCommunity(ctx: SandboxContext): void {
  const { db } = ctx;
  if (getMeta(db, 'demoSeeded') === DEMO_VERSION) return;
  db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO communities (community_id, name) VALUES (?, ?)').run(DEMO_COMMUNITY_ID, DEMO_COMMUNITY_NAME);
    const space = db.prepare(
      `INSERT OR IGNORE INTO spaces (space_id, community_id, kind, parent_id, name, building_no, unit_no, room_no, sip_group_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const group = (id: string) => {
      if (db.prepare('SELECT 1 FROM sip_groups WHERE group_id = ?').get(id) === undefined) createSipGroups(ctx, 1, id);
    };
    space.run(DEMO_COMMUNITY_SPACE_ID, DEMO_COMMUNITY_ID, 'community', null, DEMO_COMMUNITY_NAME, null, null, null, null);
    group(PROPERTY_OFFICE.sipGroupId);
    space.run(PROPERTY_OFFICE.spaceId, DEMO_COMMUNITY_ID, 'office', DEMO_COMMUNITY_SPACE_ID, PROPERTY_OFFICE.name, null, null, null, PROPERTY_OFFICE.sipGroupId);
    for (const b of DEMO_BUILDINGS) {
      for (const u of DEMO_UNITS) {
        space.run(unitSpaceId(b, u), DEMO_COMMUNITY_ID, 'unit', DEMO_COMMUNITY_SPACE_ID, `${b}幢${u}单元`, b, u, null, null);
        for (const r of DEMO_ROOMS) {
          group(houseGroupId(b, u, r));
          space.run(houseSpaceId(b, u, r), DEMO_COMMUNITY_ID, 'house', unitSpaceId(b, u), houseName(b, u, r), b, u, r, houseGroupId(b, u, r));
        }
      }
    }
    for (const d of Object.values(DOOR_STATIONS)) {
      if (db.prepare('SELECT 1 FROM sip_accounts WHERE sip_number = ?').get(d.sipNumber) === undefined) {
        createSipAccounts(ctx, 1, SIP_TYPE_DOOR, { sipNumber: d.sipNumber, sipPassword: d.sipPassword });
      }
      db.prepare(
        `INSERT OR IGNORE INTO entrance_devices (iot_id, community_id, device_name, nick_name, product_key, product_name, mode, unit_space_id, status, sip_number, sip_password)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      ).run(d.iotId, DEMO_COMMUNITY_ID, d.deviceName, d.nickName, 'a1LintelDoor', '可视对讲门禁机', d.mode, d.unitSpaceId, d.sipNumber, d.sipPassword);
    }
    // The unit door station serves its own unit; the wall station the whole community.
    const maps = (pred: (b: string, u: string) => boolean) => [
      { roomId: PROPERTY_OFFICE.roomId, groupId: PROPERTY_OFFICE.sipGroupId },
      ...DEMO_BUILDINGS.flatMap((b) => DEMO_UNITS.filter((u) => pred(b, u)).flatMap((u) =>
        DEMO_ROOMS.map((r) => ({ roomId: `1-${b}-${u}-${r}`, groupId: houseGroupId(b, u, r) })))),
    ];
    addRoomMaps(ctx, DOOR_STATIONS.unitDoor.iotId, maps((b, u) => b === '1' && u === '1'));
    addRoomMaps(ctx, DOOR_STATIONS.wall.iotId, maps(() => true));
    seedEntrancesAndElevators(ctx);
    if (db.prepare('SELECT 1 FROM notices WHERE community_id = ?').get(DEMO_COMMUNITY_ID) === undefined) {
      for (const n of DEMO_NOTICES) {
        addNotice(ctx, DEMO_COMMUNITY_ID, {
          title: n.title, publications: [{ text: n.text }], type: n.type, isTop: n.isTop, publishType: PUBLISH_TYPE_TERMINAL,
        }, { quiet: true });
      }
    }
    setMeta(db, 'demoSeeded', DEMO_VERSION);
  })();
}

function seedEntrancesAndElevators(ctx: SandboxContext): void {
  const { db } = ctx;
  const g = EXTRA_ENTRANCES.garage;
  db.prepare(
    `INSERT OR IGNORE INTO entrance_devices (iot_id, community_id, device_name, nick_name, product_key, product_name, mode, unit_space_id, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  ).run(g.iotId, DEMO_COMMUNITY_ID, g.deviceName, g.nickName, 'a1LintelGate', '门禁控制器', g.mode, g.unitSpaceId);
  // The garage door serves the houses of its unit (and, like every door, the property desk).
  addRoomMaps(ctx, g.iotId, [
    { roomId: PROPERTY_OFFICE.roomId, groupId: PROPERTY_OFFICE.sipGroupId },
    ...DEMO_ROOMS.map((r) => ({ roomId: `1-1-1-${r}`, groupId: houseGroupId('1', '1', r) })),
  ]);
  for (const e of Object.values(ELEVATORS)) {
    db.prepare(
      `INSERT OR IGNORE INTO elevator_devices (iot_id, community_id, unit_space_id, device_name, nick_name, product_key, product_name, elevator_mode, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'SINGLE', 1)`,
    ).run(e.iotId, DEMO_COMMUNITY_ID, e.unitSpaceId, e.deviceName, e.nickName, 'a1LintelLift', '梯控控制器');
    db.prepare('INSERT OR IGNORE INTO elevator_cars (iot_id, elevator_id, name, dual_door, home_floor) VALUES (?, ?, ?, 0, ?)')
      .run(e.iotId, e.elevatorId, e.carName, e.homeFloor);
  }
}
