// The panel's intercom line: keeps one SIP account registered for the channel the panel is bound
// to (channel/get), starts it when a channel appears, restarts it when the channel changes and
// stops it when the panel is unbound. Each account comes with its CallManager (calls and media).
import { createSocket } from 'node:dgram';
import type { Logger } from '../log/index.js';
import { createMediaEngine } from '../media/index.js';
import type { Store } from '../store/index.js';
import { SipAccount, type AccountState, type SipAccountConfig } from './account.js';
import { CallManager, PANEL_USER_AGENT, type CallManagerOptions } from './calls/index.js';
import { LINTEL_VERSION } from '../version.js';

/** Callers a property desk keeps ringing at once; the next gets busy. */
export const DESK_QUEUE_LENGTH = 6;

export interface IntercomLineState {
  state: AccountState;
  reason: string | null;
  sipNumber: string | null;
}

export interface IntercomLineOptions {
  store: Store;
  logger: Logger;
  onChange: () => void;
  /** Settings tests and installers may tune (timers, transport); credentials always come from the store. */
  account?: Partial<Omit<SipAccountConfig, 'sipNumber' | 'password' | 'host' | 'port'>>;
  /** Call settings (ring timeout, unlock limits, RTP ports). */
  calls?: Partial<Omit<CallManagerOptions, 'account' | 'media' | 'store' | 'logger'>>;
  /** The calls of the running account; null when the account goes. */
  onCalls?: (calls: CallManager | null) => void;
}

const SETTINGS_KEY = 'intercomLine';

export class IntercomLine {
  private account: SipAccount | null = null;
  private calls: CallManager | null = null;
  private accountKey: string | null = null;
  private current: IntercomLineState = { state: 'NONE', reason: null, sipNumber: null };
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: IntercomLineOptions) {}

  get state(): IntercomLineState {
    return this.current;
  }

  /** Bring the running account in line with the stored channel. Calls are serialised. */
  sync(): Promise<void> {
    this.queue = this.queue.then(() => this.syncNow()).catch((e: unknown) => {
      this.o.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'intercom line sync failed');
    });
    return this.queue;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.stopAccount();
  }

  private async syncNow(): Promise<void> {
    const channel = this.o.store.binding.getChannel();
    const password = channel ? this.o.store.secrets.get('sipPassword') : undefined;
    const key = channel && password ? `${channel.sipNumber}@${channel.sipHost}:${channel.sipPort}` : null;
    if (key === this.accountKey) return;
    await this.stopAccount();
    if (!channel || !password || !key) {
      this.publish({ state: 'NONE', reason: null, sipNumber: null });
      return;
    }
    const localAddress = this.o.account?.localAddress ?? (await localAddressTowards(channel.sipHost, channel.sipPort));
    const binding = this.o.store.binding.get();
    const account = new SipAccount(
      {
        transport: 'udp',
        // A desk sees which house is calling (display name) and that it is a panel (User-Agent).
        userAgentString: `${PANEL_USER_AGENT}/${LINTEL_VERSION}`,
        ...(binding?.houseName ? { displayName: binding.houseName } : {}),
        ...this.o.account,
        localAddress,
        sipNumber: channel.sipNumber,
        password,
        host: channel.sipHost,
        port: channel.sipPort,
      },
      { logger: this.o.logger },
    );
    this.account = account;
    this.accountKey = key;
    this.calls = new CallManager({
      // The property desk takes several callers at once and picks from its queue.
      ...(binding?.bindType === 1 ? { maxRinging: DESK_QUEUE_LENGTH } : {}),
      ...this.o.calls,
      account,
      media: createMediaEngine({ logger: this.o.logger }),
      store: { calls: this.o.store.calls, unlockAttempts: this.o.store.unlockAttempts },
      logger: this.o.logger,
    });
    this.o.onCalls?.(this.calls);
    account.onState((e) => this.publish({ state: e.state, reason: e.reason ?? null, sipNumber: channel.sipNumber }));
    this.publish({ state: 'LOGINPROCESS', reason: null, sipNumber: channel.sipNumber });
    await account.start();
  }

  private async stopAccount(): Promise<void> {
    const account = this.account;
    const calls = this.calls;
    this.account = null;
    this.calls = null;
    this.accountKey = null;
    if (calls) {
      this.o.onCalls?.(null);
      await calls.close();
    }
    if (account) await account.stop();
  }

  private publish(next: IntercomLineState): void {
    this.current = next;
    try {
      // For `lintel status`, which reads the store while the host runs.
      this.o.store.settings.set(SETTINGS_KEY, JSON.stringify({ ...next, at: Date.now() }));
    } catch (e) {
      this.o.logger.warn({ err: (e as Error).message }, 'could not record the intercom line state');
    }
    this.o.onChange();
  }
}

export function readStoredLineState(value: string | undefined): (IntercomLineState & { at: number }) | null {
  if (!value) return null;
  try {
    return JSON.parse(value) as IntercomLineState & { at: number };
  } catch {
    return null;
  }
}

export const INTERCOM_LINE_SETTINGS_KEY = SETTINGS_KEY;

/** The local address the OS would use to reach the registrar: what Via and Contact must carry. */
async function localAddressTowards(host: string, port: number): Promise<string> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => resolve());
    });
    return socket.address().address;
  } catch {
    return '0.0.0.0';
  } finally {
    socket.close();
  }
}
