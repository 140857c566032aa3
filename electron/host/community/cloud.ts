// What every community service needs from the cloud: the client, the panel's identity, the house
// it is bound to (from the store, the binding service's truth), the community cloudToken for the
// APIs that need one, and the thing-service call with its output checked.
import type { z } from 'zod';
import { CloudTokenOwner, PlatformError, type CommunityClient } from '../platform/index.js';
import { thingServiceInvoke, thingServices, type ApiSpec, type ThingServiceName } from '../platform/community-api.js';
import type { Store } from '../store/index.js';

/** The bound house as the services see it; null while unbound or before the channel is fetched. */
export interface House {
  communityId: number;
  houseSpaceId: string;
  houseName: string;
  /** 0 resident, 1 property desk. */
  bindType: 0 | 1;
}

export class CommunityCloud {
  private tokens: { communityId: number; owner: CloudTokenOwner } | null = null;

  constructor(
    readonly client: CommunityClient,
    private readonly store: Store,
    readonly deviceId: string,
    readonly deviceType: string,
    readonly now: () => number,
  ) {}

  house(): House | null {
    const b = this.store.binding.get();
    const ch = this.store.binding.getChannel();
    if (!b || !ch) return null;
    return { communityId: b.communityId ?? ch.communityId, houseSpaceId: ch.houseSpaceId, houseName: b.houseName || ch.houseName, bindType: b.bindType };
  }

  identity(): { deviceId: string; deviceType: string } {
    return { deviceId: this.deviceId, deviceType: this.deviceType };
  }

  /** A plain signed call (the device-side and thing APIs need no token). */
  call<P extends z.ZodType, D extends z.ZodType>(spec: ApiSpec<P, D>, params: z.input<P>): Promise<z.output<D>> {
    return this.client.call(spec, params);
  }

  /**
   * A call with the community cloudToken. A token is superseded whenever anyone gets a new one for
   * the community (the resident's app, another panel), so a 401 gets a fresh token and one retry.
   */
  async callWithToken<P extends z.ZodType, D extends z.ZodType>(communityId: number, spec: ApiSpec<P, D>, params: z.input<P>): Promise<z.output<D>> {
    if (this.tokens?.communityId !== communityId) this.tokens = { communityId, owner: new CloudTokenOwner(this.client, communityId, this.now) };
    const owner = this.tokens.owner;
    try {
      return await this.client.call(spec, params, { cloudToken: await owner.token() });
    } catch (e) {
      if (!(e instanceof PlatformError && e.kind === 'api' && e.code === 401)) throw e;
      owner.invalidate();
      return this.client.call(spec, params, { cloudToken: await owner.token() });
    }
  }

  /** One thing-model service (seed 001 `/cloud/thing/service/invoke`), its output checked against the service's schema. */
  async invoke<K extends ThingServiceName>(
    iotId: string,
    identifier: K,
    args: z.input<(typeof thingServices)[K]['args']>,
  ): Promise<z.output<(typeof thingServices)[K]['output']>> {
    const data = await this.client.call(thingServiceInvoke, { iotId, identifier, args: args as Record<string, unknown> });
    const parsed = thingServices[identifier].output.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PlatformError('bad-reply', thingServiceInvoke.path, `${identifier}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'does not match the service output'}`);
    }
    return parsed.data as z.output<(typeof thingServices)[K]['output']>;
  }
}

/** The platform does not serve this API (gateway 20003 "没有找到路由服务"): a fallback API may. */
export function isNotRouted(e: unknown): boolean {
  return e instanceof PlatformError && e.kind === 'api' && e.code === 20003;
}

/** Seed 001 line 21289: a device that is not connected is 460 "device offline". */
export function isDeviceOffline(e: unknown): boolean {
  return e instanceof PlatformError && e.kind === 'api' && e.code === 460 && /device offline/i.test(e.message);
}
