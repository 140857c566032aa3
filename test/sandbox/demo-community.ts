// The demo community, seeded once per database file. Ids are fixed and readable so tests, the
// console and the installer's notes can name them; seeding twice changes nothing.
import type { SandboxContext } from './context.js';
import { getMeta, setMeta } from './db.js';
import { addRoomMaps } from './community-store.js';
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

const DEMO_VERSION = '1';

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
    setMeta(db, 'demoSeeded', DEMO_VERSION);
  })();
}
