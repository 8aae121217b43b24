// A small, strict XML reader for custodian files and API responses. It reads elements, attributes,
// text and CDATA, and refuses everything that makes XML dangerous or ambiguous: any DOCTYPE or
// ENTITY declaration (external entities, "billion laughs"), entity references other than the five
// predefined ones and character references, duplicate attributes, mismatched or unclosed tags
// (a truncated download), and nesting deeper than a limit. It never fetches anything.
import { err, ok, type Result } from "../../domain/result.ts";

export interface XmlElement {
  name: string;
  /** Attribute values with entities decoded. */
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's own text (character data and CDATA), entities decoded, untrimmed. */
  text: string;
  /** 1-based line of the start tag. */
  line: number;
}

export interface XmlError {
  line: number;
  message: string;
}

export interface XmlLimits {
  /** Deepest element nesting accepted (default 64). */
  maxDepth?: number;
}

class XmlRefusal extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;
const PREDEFINED = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
]);

/** Parses a whole document into its root element, or says where and why it is refused. */
export function readXml(text: string, limits: XmlLimits = {}): Result<XmlElement, XmlError> {
  const maxDepth = limits.maxDepth ?? 64;
  // End-of-line handling (XML 1.0 §2.11): CRLF and lone CR are read as LF.
  const source = (text.startsWith("\uFEFF") ? text.slice(1) : text).replace(/\r\n?/g, "\n");
  const lineOf = lineIndex(source);
  try {
    return ok(parseDocument(source, maxDepth, lineOf));
  } catch (error) {
    if (error instanceof XmlRefusal) return err({ line: lineOf(error.position), message: error.message });
    throw error;
  }
}

function lineIndex(text: string): (position: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (position) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= position) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

function parseDocument(text: string, maxDepth: number, lineOf: (position: number) => number): XmlElement {
  let pos = 0;
  let root: XmlElement | null = null;
  const stack: { element: XmlElement; start: number }[] = [];

  const fail = (at: number, message: string): never => {
    throw new XmlRefusal(at, message);
  };
  const readName = (at: number, what: string): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(text);
    if (!match) fail(at, `expected ${what} name`);
    return (match as RegExpExecArray)[0];
  };
  const skipSpace = (at: number): number => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    return SPACE.lastIndex;
  };
  const appendText = (raw: string, at: number, decode: boolean) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (raw.trim() !== "") fail(at, "text outside the root element");
      return;
    }
    top.element.text += decode ? decodeEntities(raw, at, fail) : raw;
  };

  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    if (lt === -1) {
      appendText(text.slice(pos), pos, true);
      break;
    }
    if (lt > pos) appendText(text.slice(pos, lt), pos, true);
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end === -1) fail(lt, "unterminated comment (the file looks truncated)");
      pos = end + 3;
      continue;
    }
    if (text.startsWith("<![CDATA[", lt)) {
      if (stack.length === 0) fail(lt, "CDATA outside the root element");
      const end = text.indexOf("]]>", lt + 9);
      if (end === -1) fail(lt, "unterminated CDATA section (the file looks truncated)");
      appendText(text.slice(lt + 9, end), lt, false);
      pos = end + 3;
      continue;
    }
    if (text.startsWith("<!", lt)) {
      const word = /^<!([A-Za-z]*)/.exec(text.slice(lt, lt + 12))?.[1] ?? "";
      fail(
        lt,
        word.toUpperCase() === "DOCTYPE" || word.toUpperCase() === "ENTITY"
          ? `${word.toUpperCase()} declarations are refused (they can define entities that expand or fetch external files)`
          : `unsupported markup declaration <!${word}`,
      );
    }
    if (text.startsWith("<?", lt)) {
      const end = text.indexOf("?>", lt + 2);
      if (end === -1) fail(lt, "unterminated processing instruction (the file looks truncated)");
      pos = end + 2;
      continue;
    }
    if (text.startsWith("</", lt)) {
      const name = readName(lt + 2, "end tag");
      const after = skipSpace(lt + 2 + name.length);
      if (text[after] !== ">") {
        fail(
          after,
          after >= text.length
            ? "the file ends inside an end tag (truncated)"
            : `malformed end tag </${name}`,
        );
      }
      const open = stack.pop();
      if (!open) fail(lt, `end tag </${name}> without a start tag`);
      const opened = open as { element: XmlElement; start: number };
      if (opened.element.name !== name) {
        fail(
          lt,
          `end tag </${name}> does not match <${opened.element.name}> opened at line ${opened.element.line}`,
        );
      }
      pos = after + 1;
      continue;
    }
    // A start tag.
    const name = readName(lt + 1, "element");
    if (stack.length === 0 && root !== null) fail(lt, `a second root element <${name}>`);
    if (stack.length >= maxDepth) fail(lt, `elements nested deeper than ${maxDepth} levels`);
    const attributes = new Map<string, string>();
    let at = lt + 1 + name.length;
    let selfClosing = false;
    for (;;) {
      const afterSpace = skipSpace(at);
      const ch = text[afterSpace];
      if (ch === undefined) fail(afterSpace, `the file ends inside the start tag <${name}> (truncated)`);
      if (ch === ">") {
        at = afterSpace + 1;
        break;
      }
      if (ch === "/" && text[afterSpace + 1] === ">") {
        selfClosing = true;
        at = afterSpace + 2;
        break;
      }
      if (afterSpace === at) fail(at, `expected whitespace between attributes in <${name}>`);
      const attribute = readName(afterSpace, "attribute");
      let cursor = skipSpace(afterSpace + attribute.length);
      const truncated = () => fail(text.length, `the file ends inside the start tag <${name}> (truncated)`);
      if (cursor >= text.length) truncated();
      if (text[cursor] !== "=") fail(cursor, `attribute ${attribute} in <${name}> has no value`);
      cursor = skipSpace(cursor + 1);
      if (cursor >= text.length) truncated();
      const quote = text[cursor];
      if (quote !== '"' && quote !== "'") fail(cursor, `attribute ${attribute} in <${name}> is not quoted`);
      const close = text.indexOf(quote as string, cursor + 1);
      if (close === -1) fail(cursor, `the file ends inside attribute ${attribute} of <${name}> (truncated)`);
      const raw = text.slice(cursor + 1, close);
      const bad = raw.indexOf("<");
      if (bad !== -1) fail(cursor + 1 + bad, `"<" in the value of attribute ${attribute} of <${name}>`);
      if (attributes.has(attribute)) fail(afterSpace, `duplicate attribute ${attribute} in <${name}>`);
      attributes.set(attribute, decodeEntities(raw, cursor + 1, fail).replace(/[\t\n\r]/g, " "));
      at = close + 1;
    }
    const element: XmlElement = { name, attributes, children: [], text: "", line: lineOf(lt) };
    const parent = stack[stack.length - 1];
    if (parent) parent.element.children.push(element);
    else root = element;
    if (!selfClosing) stack.push({ element, start: lt });
    pos = at;
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) {
    fail(
      text.length,
      `the file ends before <${unclosed.element.name}> (line ${unclosed.element.line}) is closed: it looks truncated`,
    );
  }
  if (!root) fail(0, "no root element: the file is empty or not XML");
  return root as XmlElement;
}

function decodeEntities(raw: string, at: number, fail: (at: number, message: string) => never): string {
  if (raw.indexOf("\u0000") !== -1) fail(at, "NUL character in the document");
  if (raw.indexOf("&") === -1) return raw;
  return raw.replace(/&([^;&<]{0,32});?/g, (whole, body: string, offset: number) => {
    if (!whole.endsWith(";")) fail(at + offset, `bare "&" (write &amp;)`);
    if (body.startsWith("#")) {
      const code = body.startsWith("#x")
        ? Number.parseInt(body.slice(2), 16)
        : Number.parseInt(body.slice(1), 10);
      const digits = body.startsWith("#x") ? /^#x[0-9A-Fa-f]{1,6}$/ : /^#[0-9]{1,7}$/;
      // XML's Char production: tab, LF, CR, and U+0020 up, without surrogates, U+FFFE and U+FFFF.
      const isChar =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 &&
          code <= 0x10ffff &&
          (code < 0xd800 || code > 0xdfff) &&
          code !== 0xfffe &&
          code !== 0xffff);
      if (!digits.test(body) || !isChar) {
        fail(at + offset, `invalid character reference &${body};`);
      }
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED.get(body);
    if (value === undefined) {
      fail(at + offset, `unknown entity &${body}; (entity declarations are not supported)`);
    }
    return value as string;
  });
}

/** The first child element with this name. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element with this name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
