// A panel bound to a house of the sandbox community, ready for the community services: the host
// started, its QR bound from the resident's app, the intercom channel stored.
import type { HostRequestName, HostRequestParams, HostRequestResult } from '../../electron/contract/index.js';
import { silentLogger } from '../../electron/host/log/index.js';
import { dispatchRequest } from '../../electron/host/server/dispatch.js';
import type { Sandbox } from '../sandbox/index.js';
import { bindFromApp } from './bind.js';
import { startPanel, waitForState, type TestPanel, type TestPanelOptions } from './panel.js';
import { tempDir } from './temp.js';

export const FAST_BINDING = { backoffBaseMs: 100, backoffMaxMs: 400, pollUnboundMs: 200, pollBoundMs: 1000 };

/** Quick enough for tests, still the shape of the real thing. */
export const FAST_COMMUNITY: NonNullable<TestPanelOptions['communityTiming']> = {
  push: { retryBaseMs: 200, retryMaxMs: 1000 },
  elevator: { statusPollMs: 200, lingerMs: 60_000 },
  doorRepeatGuardMs: 1000,
};

export async function startBoundPanel(
  sandbox: Sandbox,
  houseSpaceId: string,
  opts: Omit<TestPanelOptions, 'sandbox' | 'dataDir'> & { dataDir?: string } = {},
): Promise<TestPanel> {
  const t = opts.communityTiming ?? {};
  const communityTiming = {
    ...FAST_COMMUNITY, ...t,
    push: { ...FAST_COMMUNITY.push, ...t.push },
    elevator: { ...FAST_COMMUNITY.elevator, ...t.elevator },
  };
  const panel = await startPanel({ sandbox, dataDir: opts.dataDir ?? tempDir('community-panel'), bindingTiming: FAST_BINDING, ...opts, communityTiming });
  try {
    const unbound = await waitForState(panel.host, (s) => s.binding.status === 'unbound' && s.binding.qr !== null);
    if (unbound.binding.status !== 'unbound' || !unbound.binding.qr) throw new Error('no QR');
    await bindFromApp(sandbox, unbound.binding.qr.qrCode, houseSpaceId);
    await waitForState(panel.host, (s) => s.binding.status === 'bound' && s.binding.channelReady);
    return panel;
  } catch (e) {
    await panel.stop();
    throw e;
  }
}

/**
 * A request as the screen makes it: through the contract's dispatch (params and result checked by
 * its schemas, errors as the screen receives them), so a test sees exactly what the screen would.
 */
export async function screenRequest<K extends HostRequestName>(panel: TestPanel, method: K, params: HostRequestParams<K>): Promise<HostRequestResult<K>> {
  const out = await dispatchRequest(panel.host.api, method, params, silentLogger());
  if (!out.ok) throw new ScreenRequestError(out.error.code, out.error.message);
  return out.result as HostRequestResult<K>;
}

export class ScreenRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ScreenRequestError';
  }
}

export type Req = <K extends HostRequestName>(method: K, params: HostRequestParams<K>) => Promise<HostRequestResult<K>>;
