// A strict XML parser for tests (sax in strict mode, which rss-parser's xml2js uses): any malformed markup throws.
import { createRequire } from 'node:module';

interface SaxParser {
  onopentag: (tag: { name: string; attributes: Record<string, string> }) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  onerror: (err: Error) => void;
  write(xml: string): SaxParser;
  close(): void;
}
const sax = createRequire(import.meta.url)('sax') as { parser(strict: boolean, opts: object): SaxParser };

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The text directly inside this element (entities decoded). */
  text: string;
}

/** Parses a whole document; throws on the first well-formedness error. */
export function parseXml(xml: string): XmlNode {
  const parser = sax.parser(true, { trim: false, normalize: false });
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  parser.onopentag = (tag) => {
    const node: XmlNode = { name: tag.name, attrs: { ...tag.attributes }, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = parser.oncdata = (text) => {
    stack[stack.length - 1]!.text += text;
  };
  parser.onerror = (err) => {
    throw err;
  };
  parser.write(xml).close();
  if (root.children.length !== 1) throw new Error(`expected one root element, found ${root.children.length}`);
  return root.children[0]!;
}

/** Every element under `node` (itself included), depth first. */
export function allElements(node: XmlNode): XmlNode[] {
  return [node, ...node.children.flatMap(allElements)];
}
