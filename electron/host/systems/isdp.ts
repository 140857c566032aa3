// Field devices the property desk calls through ISDP (seed 004): "呼叫巡逻岗" or a tap in the
// list sends the remote-invite message to that device. What follows on the device (the guard's
// terminal ringing, the media session) is ISDP's own and not in the specification: the panel
// reports that ISDP accepted the call (stateCode "0"), nothing more.
import type { HostRequestParams, HostRequestResult, SystemAction, SystemsState } from '../../contract/index.js';
import type { IsdpConfig, IsdpDeviceConfig } from '../config/systems.js';
import { IsdpClient } from '../platform/isdp/index.js';
import { withRetries } from '../platform/systems/http.js';
import { missingSecretMessage } from '../platform/systems/problems.js';
import { describeFailure, pickByName, recordAction, type SystemServiceDeps } from './common.js';

type IsdpState = NonNullable<SystemsState['isdp']>;
type CallOutcome = HostRequestResult<'isdp.call'>;

export interface FieldDevicesOptions extends SystemServiceDeps {
  config: IsdpConfig;
  /** null: configured, but no application token sealed yet. */
  password: string | null;
  /** 0 resident, 1 property desk, null not bound to the community platform (seed 001 status/get). */
  bindType: () => 0 | 1 | null;
}

export const DESK_ONLY = '呼叫现场设备仅限物业前台使用';

export class FieldDevices {
  private readonly client: IsdpClient | null;
  private lastCall: SystemAction | null = null;

  constructor(private readonly o: FieldDevicesOptions) {
    this.client = o.password
      ? new IsdpClient({ endpoint: o.config.endpoint, clientId: o.config.clientId, username: o.config.username, password: o.password, xmppDomain: o.config.xmppDomain, now: o.now })
      : null;
  }

  state(): IsdpState {
    return { devices: this.o.config.devices.map(view), allowed: this.allowed(), lastCall: this.lastCall };
  }

  /** A panel bound as a resident's never calls field devices; a desk, or a panel with no community binding, may. */
  private allowed(): boolean {
    return this.o.bindType() !== 0;
  }

  /** Never throws for a call ISDP refuses: see the outcome. */
  async call(p: HostRequestParams<'isdp.call'>): Promise<CallOutcome> {
    const outcome = (ok: boolean, message: string, device: IsdpDeviceConfig | null = null, choices: IsdpDeviceConfig[] = []): CallOutcome =>
      ({ ok, message, device: device ? view(device) : null, choices: choices.map(view) });
    const devices = this.o.config.devices;
    const picked = p.deviceId !== undefined
      ? devices.filter((d) => d.deviceId === p.deviceId)
      : p.name !== undefined ? pickByName(devices, p.name, (d) => [d.name]) : devices;
    const [device] = picked;
    if (picked.length === 0) return outcome(false, p.name !== undefined ? `没有找到“${p.name}”，请选择要呼叫的设备` : '没有找到这个设备', null, devices);
    if (picked.length > 1 || !device) return outcome(false, '有多个设备，请说出或选择要呼叫的设备', null, picked);

    const began = this.o.now();
    const audit = { at: began, system: 'isdp' as const, action: 'call-device', target: device.deviceId, targetName: device.name, via: p.via };
    const finish = (result: CallOutcome, stored: 'ok' | 'failed' | 'refused', reason?: string): CallOutcome => {
      recordAction(this.o, { ...audit, result: stored, reason, latencyMs: this.o.now() - began });
      this.lastCall = { ok: result.ok, target: device.name, message: result.message, at: this.o.now() };
      this.o.onChange();
      return result;
    };
    if (!this.allowed()) return finish(outcome(false, DESK_ONLY, device), 'refused', 'panel bound as a resident');
    const client = this.client;
    if (!client) return finish(outcome(false, missingSecretMessage('isdp'), device), 'refused', 'no ISDP application token');
    try {
      const { messageId } = await withRetries(() => client.callDevice(device), { idempotent: false });
      this.o.logger.info({ deviceId: device.deviceId, messageId, via: p.via }, 'isdp: field device called');
      return finish(outcome(true, `已呼叫${device.name}`, device), 'ok');
    } catch (e) {
      const d = describeFailure(e);
      this.o.logger.warn({ deviceId: device.deviceId, code: d.code, detail: d.detail }, 'isdp: call failed');
      return finish(outcome(false, `呼叫${device.name}失败：${d.message}`, device), 'failed', d.detail);
    }
  }
}

function view(d: IsdpDeviceConfig): { id: string; name: string } {
  return { id: d.deviceId, name: d.name };
}
