// RFC 4733 (formerly RFC 2833) telephone-events: DTMF carried as RTP packets rather than tones,
// because G.711 tones through a door's echo canceller are unreliable. '*' (event 10) is the
// platform's door-open key.

export interface TelephoneEvent {
  /** 0-9, 10 = '*', 11 = '#', 12-15 = A-D, 16 = flash. */
  event: number;
  end: boolean;
  /** Power level in -dBm0, 0..63 (RFC 4733 2.3.4); 10 is a common default. */
  volume: number;
  /** Duration so far, in RTP timestamp units (8 kHz: 8 per ms). */
  duration: number;
}

const DIGITS = '0123456789*#ABCD';

export function digitToEvent(digit: string): number | undefined {
  const d = digit.toUpperCase();
  if (d === '!' || d === 'FLASH') return 16;
  if (d.length !== 1) return undefined;
  const i = DIGITS.indexOf(d);
  return i < 0 ? undefined : i;
}

export function eventToDigit(event: number): string | undefined {
  if (event === 16) return '!';
  return event >= 0 && event < DIGITS.length ? DIGITS[event] : undefined;
}

export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  const duration = Math.max(0, Math.min(0xffff, Math.round(e.duration)));
  out[2] = duration >> 8;
  out[3] = duration & 0xff;
  return out;
}

export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | null {
  if (payload.length < 4) return null;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

export interface PlannedEventPacket {
  payload: Uint8Array;
  /** Only the first packet of an event carries the marker (RFC 4733 2.5.1.3). */
  marker: boolean;
  /** When to send it, relative to the start of the event. */
  offsetMs: number;
}

/**
 * The packets of one event, all with the same RTP timestamp: a start packet with the marker,
 * updates every packetIntervalMs with growing duration, then the end packet three times
 * (RFC 4733 2.5.1.4), since the end is what a receiver must not miss.
 */
export function planTelephoneEvent(
  event: number,
  durationMs: number,
  options: { packetIntervalMs?: number; volume?: number; clockRate?: number } = {},
): PlannedEventPacket[] {
  const interval = options.packetIntervalMs ?? 20;
  const volume = options.volume ?? 10;
  const perMs = (options.clockRate ?? 8000) / 1000;
  const total = Math.max(interval, Math.round(durationMs / interval) * interval);
  const packets: PlannedEventPacket[] = [];
  for (let t = interval; t < total; t += interval) {
    packets.push({
      payload: encodeTelephoneEvent({ event, end: false, volume, duration: t * perMs }),
      marker: packets.length === 0,
      offsetMs: t - interval,
    });
  }
  const endPayload = encodeTelephoneEvent({ event, end: true, volume, duration: total * perMs });
  for (let i = 0; i < 3; i++) {
    packets.push({ payload: endPayload, marker: packets.length === 0, offsetMs: total - interval });
  }
  return packets;
}

/**
 * Reports each received event once. An event is identified by its RTP timestamp (all its
 * packets share it), so retransmitted end packets and updates are not reported again, and an
 * event whose start packet was lost is still reported from whatever packet arrives first.
 */
export class TelephoneEventReceiver {
  private lastTimestamp: number | undefined;

  /** Returns the digit when this packet begins a new event, otherwise undefined. */
  onPacket(rtpTimestamp: number, payload: Uint8Array): string | undefined {
    const e = decodeTelephoneEvent(payload);
    if (!e) return undefined;
    if (this.lastTimestamp === rtpTimestamp) return undefined;
    this.lastTimestamp = rtpTimestamp;
    return eventToDigit(e.event);
  }
}
