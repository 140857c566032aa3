// The SystemError a call to one of the other systems (Akuvox, ISDP, IoT video) failed with.
import { SystemError } from '../../electron/host/platform/systems/http.js';

export async function systemFailure(p: Promise<unknown>): Promise<SystemError> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (!(e instanceof SystemError)) throw new Error(`expected a SystemError, got ${String(e)}`);
  return e;
}
