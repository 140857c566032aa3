// The sandbox console's JSON endpoints, as the property clerk's browser calls them.
import type { Sandbox } from '../sandbox/index.js';

export async function consoleGet<T>(sandbox: Sandbox, path: string): Promise<T> {
  const res = await fetch(`${sandbox.url}/console/api/${path}`);
  if (!res.ok) throw new Error(`console ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function consolePost<T = unknown>(sandbox: Sandbox, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/console/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`console ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
