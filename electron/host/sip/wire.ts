// Just enough SIP to run a transport: the start line, the top Via (branch, sent-by, rport),
// CSeq, Call-ID and a few header values. sip.js does the real parsing; this layer only has to
// match retransmissions, route responses and reject early. It never throws on bad input:
// `peek()` returns undefined for anything it cannot make sense of.

export interface WireVia {
  /** "UDP" / "TCP" */
  protocol: string;
  host: string;
  port: number | undefined;
  branch: string | undefined;
  rport: boolean;
  /** the raw header value */
  raw: string;
}

interface WireCommon {
  callId: string;
  cseq: number;
  cseqMethod: string;
  via: WireVia;
  /** the full header block (start line excluded), for lookups */
  headerText: string;
  /** To tag present (in-dialog request / dialog-forming response) */
  toTag: boolean;
}

export interface WireRequest extends WireCommon {
  kind: 'request';
  method: string;
  requestUri: string;
}

export interface WireResponse extends WireCommon {
  kind: 'response';
  status: number;
  reason: string;
}

export type WireMessage = WireRequest | WireResponse;

const COMPACT: Record<string, string> = {
  v: 'via',
  i: 'call-id',
  f: 'from',
  t: 'to',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
};

/** Canonical lower-case header name (compact forms expanded). */
export function headerName(name: string): string {
  const n = name.trim().toLowerCase();
  return COMPACT[n] ?? n;
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Split a header block into unfolded lines; undefined if there is no CRLFCRLF or LF LF end. */
export function splitHead(message: string): { startLine: string; headers: Array<[string, string]>; bodyOffset: number } | undefined {
  let end = message.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (end < 0) {
    end = message.indexOf('\n\n');
    sepLen = 2;
  }
  if (end < 0) return undefined;
  const lines = message.slice(0, end).split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    headers.push([headerName(line.slice(0, colon)), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers, bodyOffset: end + sepLen };
}

/** All values of a header, comma-separated lists (Via, Route) split outside quotes/angles. */
export function headerValues(headers: Array<[string, string]>, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) if (n === name) out.push(...splitComma(v));
  return out;
}

function splitComma(v: string): string[] {
  const out: string[] = [];
  let depthAngle = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch === '"' && v[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && ch === '<') depthAngle++;
    else if (!quoted && ch === '>') depthAngle = Math.max(0, depthAngle - 1);
    else if (!quoted && depthAngle === 0 && ch === ',') {
      out.push(v.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(v.slice(start).trim());
  return out.filter((s) => s.length > 0);
}

export function parseVia(raw: string): WireVia | undefined {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?:\s*:\s*(\d{1,5}))?\s*((?:;.*)?)$/.exec(raw.trim());
  if (!m) return undefined;
  const params = m[4] ?? '';
  const branch = /;\s*branch\s*=\s*([^;\s]+)/i.exec(params)?.[1];
  const port = m[3] !== undefined ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return {
    protocol: m[1]!.toUpperCase(),
    host: m[2]!,
    port,
    branch,
    rport: /;\s*rport(?:\s*[;=]|\s*$)/i.test(params),
    raw,
  };
}

/** Look at a message without trusting it. */
export function peek(message: string): WireMessage | undefined {
  if (message.length === 0) return undefined;
  const head = splitHead(message);
  if (!head) return undefined;
  const get = (n: string): string | undefined => head.headers.find(([k]) => k === n)?.[1];
  const viaRaw = headerValues(head.headers, 'via')[0];
  const callId = get('call-id');
  const cseqRaw = get('cseq');
  if (!viaRaw || !callId || !cseqRaw) return undefined;
  const via = parseVia(viaRaw);
  if (!via) return undefined;
  const cseqM = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(cseqRaw.trim());
  if (!cseqM) return undefined;
  const toTag = /;\s*tag\s*=/i.test(get('to') ?? '');
  const common = {
    callId: callId.trim(),
    cseq: Number(cseqM[1]),
    cseqMethod: cseqM[2]!.toUpperCase(),
    via,
    headerText: message.slice(0, head.bodyOffset),
    toTag,
  };
  const res = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(head.startLine);
  if (res) {
    const status = Number(res[1]);
    if (status < 100 || status > 699) return undefined;
    return { kind: 'response', status, reason: res[2] ?? '', ...common };
  }
  const req = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(head.startLine);
  if (!req) return undefined;
  const method = req[1]!;
  if (!TOKEN.test(method)) return undefined;
  if (method.toUpperCase() !== common.cseqMethod) return undefined;
  return { kind: 'request', method: method.toUpperCase(), requestUri: req[2]!, ...common };
}

/** Transaction key of a request or response: branch (RFC 3261) or a 2543-style fallback. */
export function transactionKey(m: WireMessage, method = m.cseqMethod): string {
  const b = m.via.branch;
  if (b && b.startsWith('z9hG4bK')) return `${b}|${method}|${m.via.host}:${m.via.port ?? ''}`;
  return `2543|${m.callId}|${m.cseq}|${method}|${m.via.host}:${m.via.port ?? ''}`;
}

/** Host and port of a SIP URI (inside <> or bare); undefined if it is not one. */
export function uriHostPort(uri: string): { host: string; port: number | undefined } | undefined {
  const inner = /<([^>]*)>/.exec(uri)?.[1] ?? uri;
  const m = /^\s*sips?:(?:[^@;>?]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::(\d{1,5}))?/i.exec(inner);
  if (!m) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port: m[2] !== undefined ? Number(m[2]) : undefined };
}

/**
 * Replace the value of the top Via header in a message (the first Via line's first value).
 * Works on the raw text so that sip.js's own formatting is kept.
 */
export function replaceTopVia(message: string, replace: (value: string) => string): string {
  const re = /(^|\r?\n)(via|v)([ \t]*:[ \t]*)([^\r\n]*)/i;
  const m = re.exec(message);
  if (!m) return message;
  const full = m[4]!;
  const parts = splitComma(full);
  if (parts.length === 0) return message;
  const first = parts[0]!;
  const idx = full.indexOf(first);
  const replaced = full.slice(0, idx) + replace(first) + full.slice(idx + first.length);
  const start = m.index + m[1]!.length + m[2]!.length + m[3]!.length;
  return message.slice(0, start) + replaced + message.slice(start + full.length);
}

/** Build a minimal stateless response to a request that we reject before sip.js sees it. */
export function statelessResponse(request: string, status: number, reason: string, extraHeaders: string[] = [], toTag?: string): string | undefined {
  const head = splitHead(request);
  if (!head) return undefined;
  const lines: string[] = [`SIP/2.0 ${status} ${reason}`];
  for (const [n, v] of head.headers) {
    if (n === 'via' || n === 'from' || n === 'call-id' || n === 'cseq') lines.push(`${canonical(n)}: ${v}`);
    else if (n === 'to') lines.push(`To: ${toTag && !/;\s*tag\s*=/i.test(v) ? `${v};tag=${toTag}` : v}`);
  }
  lines.push(...extraHeaders, 'Content-Length: 0', '', '');
  return lines.join('\r\n');
}

function canonical(n: string): string {
  return n === 'call-id' ? 'Call-ID' : n === 'cseq' ? 'CSeq' : n[0]!.toUpperCase() + n.slice(1);
}
