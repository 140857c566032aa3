// The remote-invite XMPP message (seed 004) is built safely: the seed's sample exactly for its own
// values, and for hostile names (<, &, quotes, a closing tag, "]]>", control characters,
// non-characters) a message that a strict XML reader accepts and whose directives_attrs JSON gives
// back exactly the names that went in. The strict reader itself refuses what is not well-formed.
import { describe, expect, it } from 'vitest';
import { escapeXml, remoteInviteMessage, type RemoteInviteAttrs } from '../../electron/host/platform/isdp/xmpp.js';
import { childElements, parseXml, textOf, type XmlElement } from '../sandbox/isdp/xml.js';

const SEED_SAMPLE =
  '<?xml version="1.0" encoding="UTF-8" ?><message to="759646@saasgroupchat.isdp-saas-sit.test.huawei.com" id="1663236474522" type="chat">' +
  '<subject>qc-intellect-equip-remote-invite</subject><body>智能设备远端呼叫</body>' +
  '<properties xmlns="http://isdp-saas-sit.test.huawei.com/xmlns/xmpp/properties"><content_type type="string">text</content_type>' +
  '<nick type="string" /><directives_type type="string">qc-intellect-equip-remote-invite</directives_type>' +
  '<directives_attrs type="string">{&quot;userId&quot;:864711,&quot;userName&quot;:&quot;zhang_sit&quot;,&quot;userNo&quot;:&quot;Zhang123456&quot;,' +
  '&quot;tenantId&quot;:886,&quot;deviceId&quot;:&quot;aqm0523&quot;,&quot;isdpDeviceId&quot;:&quot;aqm0523--1&quot;}</directives_attrs>' +
  '</properties></message>';

const sampleAttrs: RemoteInviteAttrs = { userId: 864711, userName: 'zhang_sit', userNo: 'Zhang123456', tenantId: 886, deviceId: 'aqm0523', isdpDeviceId: 'aqm0523--1' };

function child(e: XmlElement, name: string): XmlElement {
  const found = childElements(e).find((c) => c.name === name);
  if (!found) throw new Error(`no <${name}> in <${e.name}>`);
  return found;
}

function attrsOf(message: string): unknown {
  const { root } = parseXml(message);
  return JSON.parse(textOf(child(child(root, 'properties'), 'directives_attrs')));
}

describe('remoteInviteMessage', () => {
  it('is the seed sample, byte for byte, for the sample values', () => {
    const built = remoteInviteMessage({ to: '759646@saasgroupchat.isdp-saas-sit.test.huawei.com', id: '1663236474522', xmppDomain: 'isdp-saas-sit.test.huawei.com', attrs: sampleAttrs });
    expect(built).toBe(SEED_SAMPLE);
    // The sample's JSON body, as ISDP received it in the seed.
    expect(JSON.parse(JSON.stringify({ message: built })).message).toBe(SEED_SAMPLE);
  });

  const hostile = [
    'a<b>&c"d\'e',
    '</directives_attrs></properties><evil/>',
    ']]>&amp;&lt;&#x26;',
    'quote"\\"backslash\\',
    'line\nbreak\ttab\rcr',
    'nul\u0000bell\u0007esc\u001b',
    'nonchar\uFFFE\uFFFF',
    'lone\uD800surrogate',
    '{"userId":1}',
    '张三 🚪 &nbsp;',
  ];

  it.each(hostile)('keeps a hostile name intact and the XML well-formed: %j', (name) => {
    const attrs = { ...sampleAttrs, userName: name, userNo: `${name}-no`, deviceId: `dev-${name}`, isdpDeviceId: `${name}--1` };
    const message = remoteInviteMessage({ to: '759646@saasgroupchat.isdp.example', id: 'id-1', xmppDomain: 'isdp.example', attrs });
    const { root } = parseXml(message);
    expect(root.name).toBe('message');
    expect(root.attrs).toEqual({ to: '759646@saasgroupchat.isdp.example', id: 'id-1', type: 'chat' });
    expect(childElements(root).map((e) => e.name)).toEqual(['subject', 'body', 'properties']);
    expect(childElements(child(root, 'properties')).map((e) => e.name)).toEqual(['content_type', 'nick', 'directives_type', 'directives_attrs']);
    // Nothing the name holds became markup.
    expect(message.match(/<directives_attrs /g)).toHaveLength(1);
    // A lone surrogate cannot survive any UTF-8 message; JSON carries it as an escape, which reads back as the same code unit.
    expect(attrsOf(message)).toEqual(attrs);
  });

  it('refuses a jid or id that XML cannot carry, and escapes one that needs it', () => {
    expect(() => remoteInviteMessage({ to: 'a\u0001@b', id: '1', xmppDomain: 'x', attrs: sampleAttrs })).toThrow(/to holds a character XML cannot carry/);
    const { root } = parseXml(remoteInviteMessage({ to: 'o\'brien&"co"@b', id: '<1>', xmppDomain: 'x', attrs: sampleAttrs }));
    expect(root.attrs).toMatchObject({ to: 'o\'brien&"co"@b', id: '<1>' });
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});

describe('the strict XML reader refuses what is not well-formed', () => {
  it.each([
    ['an unescaped <', '<m>a < b</m>'],
    ['a bare &', '<m a="x & y"/>'],
    ['an unknown entity', '<m>&nbsp;</m>'],
    ['a mismatched close', '<m><a></b></m>'],
    ['an unclosed element', '<m><a></m>'],
    ['a duplicate attribute', '<m a="1" a="2"/>'],
    ['an unquoted attribute', '<m a=1/>'],
    ['attributes run together', '<m a="1"b="2"/>'],
    ['"]]>" in text', '<m>]]></m>'],
    ['content after the root', '<m/><n/>'],
    ['a DOCTYPE', '<!DOCTYPE m><m/>'],
    ['a control character', '<m>\u0001</m>'],
    ['a character reference to a control character', '<m>&#1;</m>'],
  ])('%s', (_what, text) => {
    expect(() => parseXml(text)).toThrow();
  });

  it('reads entities, character references and self-closing elements', () => {
    const { declaration, root } = parseXml('<?xml version="1.0" encoding="UTF-8" ?><m x=\'a&quot;b\'>&lt;&#x4E2D;&#25991;&gt;<n /></m>');
    expect(declaration).toEqual({ version: '1.0', encoding: 'UTF-8' });
    expect(root).toEqual({ name: 'm', attrs: { x: 'a"b' }, children: ['<中文>', { name: 'n', attrs: {}, children: [] }] });
  });
});
