// RTP on an even port and RTCP on the next odd one (RFC 3550 11; rtcp-mux is not assumed,
// door stations rarely do it), picked from the platform's range 10000-20000. Another call or
// another program may hold a port, so EADDRINUSE just moves on to the next pair.

import dgram from 'node:dgram';

export interface PortPair {
  port: number;
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
}

export const DEFAULT_PORT_RANGE: [number, number] = [10000, 20000];
const MAX_ATTEMPTS = 1000;

function bindOne(type: 'udp4' | 'udp6', address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type, reuseAddr: false });
    const onError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function isAddressInUse(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

export async function bindPortPair(
  address: string,
  range: [number, number] = DEFAULT_PORT_RANGE,
  random: () => number = Math.random,
): Promise<PortPair> {
  const type = address.includes(':') ? 'udp6' : 'udp4';
  const first = range[0] % 2 === 0 ? range[0] : range[0] + 1;
  const pairs = Math.floor((range[1] - 1 - first) / 2) + 1;
  if (pairs < 1) throw new RangeError(`port range ${range[0]}-${range[1]} holds no even/odd pair`);
  // Start at a random pair so that two sessions (or a restarted host) do not collide every time.
  const start = Math.floor(random() * pairs);
  let lastError: unknown;
  for (let i = 0; i < Math.min(pairs, MAX_ATTEMPTS); i++) {
    const port = first + ((start + i) % pairs) * 2;
    let rtp: dgram.Socket | undefined;
    try {
      rtp = await bindOne(type, address, port);
      const rtcp = await bindOne(type, address, port + 1);
      return { port, rtp, rtcp };
    } catch (error) {
      rtp?.close();
      if (!isAddressInUse(error)) throw error;
      lastError = error;
    }
  }
  throw new Error(`no free RTP/RTCP port pair in ${range[0]}-${range[1]}: ${String(lastError)}`);
}
