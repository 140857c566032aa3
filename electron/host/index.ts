// The host: every service that must outlive a screen reload, behind the contract's HostApi.
// Runs the same under plain Node and inside Electron's main process.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { HostApi, HostEventName, HostEventPayload, PanelState } from '../contract/index.js';
import { BindingService, type BindingTiming } from './binding/index.js';
import { createCommunityServices, NOTICES_OFF, unavailableCommunityApi, type CommunityTimingOverrides } from './community/index.js';
import { UserFacingError } from './errors.js';
import type { HostConfig } from './config/index.js';
import { createLogger, type Logger } from './log/index.js';
import { CommunityClient, type PlatformCredentials } from './platform/index.js';
import { IntercomLine, PanelCalls, type IntercomLineOptions } from './sip/index.js';
import { keyFileCipher, openStore, type SecretCipher, type Store } from './store/index.js';
import { createOtherSystems, resolveSystemsSettings, type AkuvoxTiming, type OtherSystems, type SystemsSettings } from './systems/index.js';
import { LINTEL_VERSION } from './version.js';
import { createVoiceService, type VoiceService } from './voice/index.js';

export { UserFacingError };

export interface HostOptions {
  config: HostConfig;
  /** Electron passes safeStorage; under Node a key file in the data directory seals secrets. */
  cipher?: SecretCipher;
  /** Credentials to use instead of the configured cloud's (the sandbox gives its demo app's). */
  credentials?: PlatformCredentials;
  now?: () => number;
  logger?: Logger;
  bindingTiming?: Partial<BindingTiming>;
  /** SIP account settings (timers, transport, local address); credentials come from the binding. */
  sipAccount?: IntercomLineOptions['account'];
  /** Call settings (ring timeout, unlock limits, RTP ports). */
  calls?: IntercomLineOptions['calls'];
  /** How long the call-ended view stays (default 6 s). */
  endedCallLingerMs?: number;
  /** Where 呼叫物业 goes when no desk number is configured (the sandbox names its property desk). */
  deskNumber?: () => string | null;
  /** Voice dialog settings for tests (far-end guard, rate limit…). */
  voice?: Parameters<typeof createVoiceService>[0]['dialog'];
  /** Where the voice model and vocabulary are looked for (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Community services' intervals (notice polling, push reconnects, elevator status, history age). */
  communityTiming?: CommunityTimingOverrides;
  /** The other systems' settings with their secrets, instead of the configured ones (the sandbox gives its demo's). */
  systems?: SystemsSettings;
  akuvoxTiming?: Partial<AkuvoxTiming>;
}

export interface Host {
  readonly api: HostApi;
  readonly deviceId: string;
  /** Akuvox residence, ISDP field devices, IoT-video cameras (their screen requests are in `api`). */
  readonly systems: OtherSystems;
  state(): PanelState;
  on<K extends HostEventName>(event: K, listener: (payload: HostEventPayload<K>) => void): () => void;
  /** The recognizer model's directory when its layout is complete (served to the screen as an archive). */
  voiceModelDir(): string | null;
  /** The media channel (contract/media.ts): frames for the screen, and the screen's microphone. */
  media: {
    onFrame(listener: (frame: ArrayBuffer) => void): () => void;
    receive(frame: ArrayBuffer): void;
    /** A screen (re)loaded mid-call: ask the door for a key frame (Electron's IPC has no subscription to see it). */
    screenReloaded(): void;
  };
  close(): Promise<void>;
}

export const DATABASE_FILE = 'lintel.sqlite';

const VOICE_BEFORE_START: PanelState['voice'] = {
  context: 'home', phase: 'idle', heard: null, message: null, at: null, confirm: null, speaking: null, model: { status: 'unknown', message: null },
};
export const KEY_FILE = 'secret.key';

export async function createHost(options: HostOptions): Promise<Host> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger();
  const store = openStore(join(config.dataDir, DATABASE_FILE), options.cipher ?? keyFileCipher(join(config.dataDir, KEY_FILE)));
  const deviceId = resolveDeviceId(config, store);
  const credentials = options.credentials ?? resolveCredentials(config, store);
  const events = new EventEmitter();

  // Assigned once the voice service is up; state() may be asked for before (its own setup emits).
  let voice: VoiceService | undefined;
  const state = (): PanelState => ({
    deviceId,
    binding: binding?.state.binding ?? { status: 'unbound', qr: null },
    intercom: line.state,
    call: calls.call,
    callQueue: calls.queue,
    voice: voice?.state ?? VOICE_BEFORE_START,
    notices: community?.notices ?? NOTICES_OFF,
    elevator: community?.elevator ?? null,
    problem: binding?.state.problem ?? notConfigured,
    systems: systems.state(),
    hostTime: now(),
    version: LINTEL_VERSION,
  });
  const emitState = (): void => void events.emit('state', state());
  const systems = createOtherSystems({
    settings: options.systems ?? resolveSystemsSettings(config.systems, store.secrets),
    store,
    logger,
    now,
    onChange: emitState,
    bindType: () => {
      const b = binding?.state.binding;
      return b?.status === 'bound' ? b.bindType : null;
    },
    ...(options.akuvoxTiming ? { akuvoxTiming: options.akuvoxTiming } : {}),
  });
  const calls = new PanelCalls({
    store,
    logger: logger.child({ service: 'calls' }),
    onChange: emitState,
    deskNumber: () => config.intercom.deskNumber ?? options.deskNumber?.() ?? null,
    monitorDoor: config.intercom.monitorDoor,
    monitorSeconds: config.intercom.monitorSeconds,
    ...(options.endedCallLingerMs !== undefined ? { endedLingerMs: options.endedCallLingerMs } : {}),
  });
  const line = new IntercomLine({
    store,
    logger: logger.child({ service: 'intercom' }),
    onChange: emitState,
    onCalls: (manager) => calls.attach(manager),
    calls: { ringTimeoutMs: config.intercom.ringTimeoutSec * 1000, ...options.calls },
    ...(options.sipAccount ? { account: options.sipAccount } : {}),
  });
  // The line and the community services follow the stored channel: they start on binding and stop on unbind.
  const onBindingChange = (): void => {
    community?.sync();
    emitState();
    void line.sync();
  };

  const notConfigured = credentials
    ? null
    : {
        code: 'not-configured' as const,
        message: '本机尚未配置社区云平台的应用密钥，请联系安装人员',
        detail: `no appSecret: set LINTEL_APP_SECRET once or run \`lintel configure --app-secret-stdin\` (config: ${config.configFile})`,
        at: now(),
        retryAt: null,
      };
  if (notConfigured) store.problems.record(notConfigured);

  // One client for every cloud service, and what they all need to speak for this panel.
  const cloud = credentials ? { client: new CommunityClient({ ...credentials, now }), store, deviceId, deviceType: config.deviceType, now } : null;
  const community = cloud && credentials
    ? createCommunityServices({
        ...cloud,
        credentials,
        logger: logger.child({ service: 'community' }),
        onChange: emitState,
        ...(options.communityTiming ? { timing: options.communityTiming } : {}),
      })
    : null;
  const binding = cloud
    ? new BindingService({
        ...cloud,
        logger: logger.child({ service: 'binding' }),
        onChange: onBindingChange,
        ...(options.bindingTiming ? { timing: options.bindingTiming } : {}),
      })
    : null;
  const speechFrames = new EventEmitter();
  voice = await createVoiceService({
    store,
    logger: logger.child({ service: 'voice' }),
    dataDir: config.dataDir,
    onChange: emitState,
    emitFrame: (frame) => speechFrames.emit('frame', frame),
    ...(options.env ? { env: options.env } : {}),
    ...(options.voice ? { dialog: options.voice } : {}),
    actions: {
      call: () => calls.call,
      answer: (callId) => calls.answer(callId),
      hangup: (callId) => calls.hangup(callId),
      unlockCall: (callId) => calls.unlock(callId, 'voice'),
      monitor: () => calls.monitor(),
      callDesk: () => calls.callDesk(),
      farEndSpeechAt: () => calls.farEndSpeechAt(),
      community: () => community?.api ?? null,
      noticeAlert: () => community?.notices.alert ?? null,
      akuvox: () => (systems.state().akuvox ? systems.api : null),
    },
  });

  binding?.start();
  systems.start();
  void line.sync();
  logger.info({ deviceId, cloud: credentials?.endpoint ?? null, dataDir: config.dataDir }, 'host started');

  const api: HostApi = {
    'state.get': async () => state(),
    'binding.renewQr': async () => {
      if (!binding) throw new UserFacingError('not-configured', notConfigured?.message ?? '未配置');
      await binding.renewQr();
      return { ok: true };
    },
    'binding.unbind': async () => {
      if (!binding) throw new UserFacingError('not-configured', notConfigured?.message ?? '未配置');
      await binding.unbind();
      return { ok: true };
    },
    'call.answer': async ({ callId }) => {
      await calls.answer(callId);
      return { ok: true };
    },
    'call.hangup': async ({ callId }) => {
      await calls.hangup(callId);
      return { ok: true };
    },
    'call.unlock': ({ callId, via }) => calls.unlock(callId, via),
    'call.mute': async ({ callId, muted }) => {
      calls.mute(callId, muted);
      return { ok: true };
    },
    'call.monitor': async ({ doorNumber }) => {
      await calls.monitor(doorNumber);
      return { ok: true };
    },
    'call.desk': async () => {
      await calls.callDesk();
      return { ok: true };
    },
    'call.dismiss': async ({ callId }) => {
      calls.dismiss(callId);
      return { ok: true };
    },
    'call.snapshot': async ({ callId, image }) => {
      calls.snapshot(callId, image);
      return { ok: true };
    },
    'calls.history': async ({ limit }) => ({ calls: calls.history(limit) }),
    'calls.snapshot': async ({ callId }) => ({ image: calls.snapshotOf(callId) }),
    'voice.grammar': async ({ context }) => voice.grammar(context),
    'voice.heard': ({ text, confidence, context }) => voice.heard(text, confidence, context),
    'voice.confirm': async ({ id, accept }) => {
      await voice.confirm(id, accept);
      return { ok: true };
    },
    'notices.play': async ({ messageId }) => {
      await voice.playNotice(messageId);
      return { ok: true };
    },
    'voice.stopSpeaking': async () => {
      voice.stopSpeaking();
      return { ok: true };
    },
    'voice.model': async ({ status, detail }) => {
      voice.reportModel(status, detail);
      return { ok: true };
    },
    ...(community?.api ?? unavailableCommunityApi('not-configured', notConfigured?.message ?? '未配置')),
    ...systems.api,
  };

  return {
    api,
    deviceId,
    systems,
    state,
    on(event, listener) {
      events.on(event, listener);
      return () => void events.off(event, listener);
    },
    voiceModelDir: () => (voice.model.state === 'ok' ? voice.model.dir : null),
    media: {
      onFrame: (listener) => {
        const offCalls = calls.onMediaFrame(listener);
        speechFrames.on('frame', listener);
        return () => {
          offCalls();
          speechFrames.off('frame', listener);
        };
      },
      receive: (frame) => calls.receiveMediaFrame(frame),
      screenReloaded: () => calls.requestKeyFrame(),
    },
    async close() {
      systems.stop();
      binding?.stop();
      await binding?.idle();
      await community?.close();
      await line.close();
      calls.close();
      voice?.close();
      store.close();
      logger.info('host stopped');
    },
  };
}

function resolveDeviceId(config: HostConfig, store: Store): string {
  if (config.deviceId) return config.deviceId;
  const saved = store.settings.get('deviceId');
  if (saved) return saved;
  // A panel's identity for the cloud: stable across restarts, unique per install.
  const generated = `LNT${randomBytes(6).toString('hex').toUpperCase()}`;
  store.settings.set('deviceId', generated);
  return generated;
}

function resolveCredentials(config: HostConfig, store: Store): PlatformCredentials | null {
  if (!config.cloud) return null;
  if (config.cloud.appSecret) store.secrets.set('appSecret', config.cloud.appSecret);
  const appSecret = config.cloud.appSecret ?? store.secrets.get('appSecret');
  return appSecret ? { endpoint: config.cloud.endpoint, appKey: config.cloud.appKey, appSecret } : null;
}
