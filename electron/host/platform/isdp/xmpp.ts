// The XMPP message openApiSendImMessage carries (seed 004, "请求示例（呼叫设备例子）"): a chat
// message to the device's chatJid whose properties say directives_type
// qc-intellect-equip-remote-invite and carry directives_attrs, a JSON object written as XML text.
// Names come from the ISDP account and the installer, so nothing is pasted in raw: every value is
// escaped for where it lands (JSON string, then XML text or attribute), and characters XML 1.0
// cannot carry at all are refused (or, inside the JSON, written as \u escapes).

export const REMOTE_INVITE = 'qc-intellect-equip-remote-invite';
/** The seed's body text for this directive. */
export const REMOTE_INVITE_BODY = '智能设备远端呼叫';

/** directives_attrs, in the seed's order. */
export interface RemoteInviteAttrs {
  /** 应用管理中账号的userId (long). */
  userId: number;
  userName: string;
  userNo: string;
  /** 租户id (int). */
  tenantId: number;
  /** The receiving device's device id. */
  deviceId: string;
  /** The receiving device's isdpDeviceId. */
  isdpDeviceId: string;
}

export interface RemoteInvite {
  /** The device's chatJid, e.g. 759646@saasgroupchat.isdp-saas-sit.test.huawei.com. */
  to: string;
  /** A fresh random id per message. */
  id: string;
  /** The Openfire service's domain: the properties namespace is http://<domain>/xmlns/xmpp/properties. */
  xmppDomain: string;
  attrs: RemoteInviteAttrs;
}

// XML 1.0 "Char": tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and the astral planes (whole pairs).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML attribute value or element content; refuses what XML cannot carry. */
export function escapeXml(text: string, what = 'value'): string {
  if (NOT_XML_CHAR.test(text)) throw new Error(`${what} holds a character XML cannot carry`);
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * JSON for XML text: JSON.stringify already escapes control characters and lone surrogates; the
 * two non-characters it leaves (U+FFFE, U+FFFF) become \u escapes too, so any name survives.
 */
export function xmlSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

export function propertiesNamespace(xmppDomain: string): string {
  return `http://${xmppDomain}/xmlns/xmpp/properties`;
}

/** The seed's message, element for element. */
export function remoteInviteMessage(m: RemoteInvite): string {
  const a = m.attrs;
  if (!Number.isSafeInteger(a.userId) || !Number.isSafeInteger(a.tenantId)) throw new Error('userId and tenantId must be whole numbers');
  const attrs = xmlSafeJson({ userId: a.userId, userName: a.userName, userNo: a.userNo, tenantId: a.tenantId, deviceId: a.deviceId, isdpDeviceId: a.isdpDeviceId });
  return (
    '<?xml version="1.0" encoding="UTF-8" ?>' +
    `<message to="${escapeXml(m.to, 'to')}" id="${escapeXml(m.id, 'id')}" type="chat">` +
    `<subject>${REMOTE_INVITE}</subject>` +
    `<body>${REMOTE_INVITE_BODY}</body>` +
    `<properties xmlns="${escapeXml(propertiesNamespace(m.xmppDomain), 'xmppDomain')}">` +
    '<content_type type="string">text</content_type>' +
    '<nick type="string" />' +
    `<directives_type type="string">${REMOTE_INVITE}</directives_type>` +
    `<directives_attrs type="string">${escapeXml(attrs, 'directives_attrs')}</directives_attrs>` +
    '</properties></message>'
  );
}
