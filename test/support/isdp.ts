// An ISDP IM message as the sandbox received it, read back element by element: what the tests
// check of "a well-formed remote invite" (the host test and the desk screen's end-to-end test).
import { childElements, parseXml, textOf, type XmlElement } from '../sandbox/isdp/xml.js';

export interface RemoteInvite {
  declaration: ReturnType<typeof parseXml>['declaration'];
  /** The <message> element's attributes (to, type…). */
  attrs: Record<string, string>;
  subject: string;
  /** The <properties> element's namespace. */
  propertiesXmlns: string | undefined;
  directivesType: string;
  /** directives_attrs, parsed as the JSON it must be. */
  directivesAttrs: unknown;
}

export function readRemoteInvite(message: string): RemoteInvite {
  const { declaration, root } = parseXml(message);
  const el = (parent: XmlElement, name: string): XmlElement => {
    const found = childElements(parent).find((c) => c.name === name);
    if (!found) throw new Error(`the message has no <${name}> in <${parent.name}>`);
    return found;
  };
  const props = el(root, 'properties');
  return {
    declaration,
    attrs: root.attrs,
    subject: textOf(el(root, 'subject')),
    propertiesXmlns: props.attrs['xmlns'],
    directivesType: textOf(el(props, 'directives_type')),
    directivesAttrs: JSON.parse(textOf(el(props, 'directives_attrs'))) as unknown,
  };
}
