// The resident's app binding a panel: a signed app-side bind with the community cloudToken.
import { CloudTokenOwner, CommunityClient } from '../../electron/host/platform/index.js';
import { deviceBind } from '../../electron/host/platform/community-api.js';
import type { Sandbox } from '../sandbox/index.js';
import { consoleGet } from './console.js';

export interface DemoHouse { houseSpaceId: string; houseName: string; kind: 'house' | 'office' }

export async function demoHouses(sandbox: Sandbox): Promise<DemoHouse[]> {
  return consoleGet<DemoHouse[]>(sandbox, 'houses');
}

export async function bindFromApp(sandbox: Sandbox, qrCode: string, houseSpaceId: string, nickName = '客厅面板'): Promise<string> {
  const app = new CommunityClient({ endpoint: sandbox.url, ...sandbox.app });
  const tokens = new CloudTokenOwner(app, sandbox.communityId);
  const { bindId } = await app.call(deviceBind, { qrCode, houseSpaceId, deviceNickName: nickName }, { cloudToken: await tokens.token() });
  return bindId;
}
