// OFX bodies as an element tree. One reader serves both syntaxes: in OFX 1.x SGML leaf elements
// are never closed (`<UNITS>100<UNITPRICE>25`), in OFX 2.x XML they are (`<UNITS>100</UNITS>`).
// An element followed by text is a leaf; anything else is an aggregate, closed by its end tag.
// Nothing is ever expanded: markup declarations (DOCTYPE, ENTITY, ...) are refused, and only the
// five XML entities and numeric character references are decoded.
import { fail } from "../normalise.ts";
import type { LineIndex } from "./text-lines.ts";

export interface OfxElement {
  readonly name: string;
  /** 1-based line of the opening tag. */
  readonly line: number;
  /** Leaf text, trimmed and decoded; null for aggregates. */
  value: string | null;
  readonly children: OfxElement[];
  parent: OfxElement | null;
}

const MAX_DEPTH = 64;
const TAG = /^(\/?)([A-Za-z][A-Za-z0-9._-]*)\s*(\/?)$/;
const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos|nbsp);/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeText(raw: string): string {
  return raw.replace(ENTITY, (whole, body: string) => {
    if (!body.startsWith("#")) return NAMED[body] ?? whole;
    const code = body.startsWith("#x")
      ? Number.parseInt(body.slice(2), 16)
      : Number.parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** "INVSTMTRS/INVTRANLIST/BUYSTOCK[2]/INVBUY/UNITS": where an element sits, for error messages. */
export function elementPath(element: OfxElement): string {
  const names: string[] = [];
  // The document root (name "") holds <OFX>; paths start below <OFX>.
  for (let node: OfxElement | null = element; node?.parent && node.parent.name !== ""; node = node.parent) {
    const siblings = node.parent.children.filter((sibling) => sibling.name === node?.name);
    const index = siblings.indexOf(node);
    names.unshift(index > 0 ? `${node.name}[${index + 1}]` : node.name);
  }
  return names.join("/");
}

function closeElement(stack: OfxElement[], name: string, line: number): void {
  let index = stack.length - 1;
  while (index > 0 && stack[index]?.name !== name) index--;
  if (index === 0) {
    const top = stack[stack.length - 1];
    fail(line, top ? elementPath(top) || null : null, `closing tag </${name}> matches no open element`);
  }
  // Elements left open inside it were SGML leaves with no value: they own no children.
  while (stack.length - 1 > index) {
    const unclosed = stack.pop();
    if (!unclosed?.parent) continue;
    const hoisted = unclosed.children.splice(0);
    for (const child of hoisted) child.parent = unclosed.parent;
    unclosed.parent.children.push(...hoisted);
    unclosed.value = "";
  }
  const closed = stack.pop();
  if (closed && closed.value === null && closed.children.length === 0) closed.value = "";
}

/** Parses the element body that starts at `offset`; returns the <OFX> element. */
export function parseOfxBody(text: string, offset: number, lines: LineIndex): OfxElement {
  const root: OfxElement = { name: "", line: 1, value: null, children: [], parent: null };
  const stack: OfxElement[] = [root];
  let justOpened: OfxElement | null = null;
  let awaitingClose: OfxElement | null = null;
  let pos = offset;

  const takeText = (raw: string, at: number): void => {
    const trimmed = raw.trim();
    if (trimmed === "") return;
    const top = stack[stack.length - 1];
    if (!justOpened || top !== justOpened) {
      fail(
        lines.lineAt(at),
        top ? elementPath(top) || null : null,
        `unexpected text ${JSON.stringify(trimmed.slice(0, 40))}`,
      );
    }
    justOpened.value = decodeText(trimmed);
    stack.pop();
    awaitingClose = justOpened;
    justOpened = null;
  };

  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    takeText(text.slice(pos, lt === -1 ? text.length : lt), pos);
    if (lt === -1) break;
    const line = lines.lineAt(lt);
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end === -1) fail(line, null, "truncated: a comment is never closed");
      pos = end + 3;
      continue;
    }
    if (text.startsWith("<![CDATA[", lt)) {
      const end = text.indexOf("]]>", lt);
      if (end === -1) fail(line, null, "truncated: a CDATA section is never closed");
      const content = text.slice(lt + 9, end);
      pos = end + 3;
      if (justOpened && content.trim() !== "") {
        justOpened.value = content.trim();
        stack.pop();
        awaitingClose = justOpened;
        justOpened = null;
      }
      continue;
    }
    if (text.startsWith("<!", lt)) {
      const keyword = /^<!\s*([A-Za-z]*)/.exec(text.slice(lt, lt + 20))?.[1]?.toUpperCase() || "<!";
      fail(
        line,
        keyword,
        `the file contains a markup declaration (<!${keyword === "<!" ? "" : keyword}): OFX never needs one, and ` +
          "DOCTYPE/ENTITY declarations are refused (external entities, entity expansion)",
      );
    }
    if (text.startsWith("<?", lt)) {
      const end = text.indexOf("?>", lt);
      if (end === -1) fail(line, null, "truncated: a processing instruction is never closed");
      pos = end + 2;
      continue;
    }
    const gt = text.indexOf(">", lt);
    const top = stack[stack.length - 1];
    const where = () => (top ? elementPath(top) || null : null);
    if (gt === -1) fail(line, where(), "truncated: the file ends inside a tag");
    const tag = TAG.exec(text.slice(lt + 1, gt));
    if (!tag)
      fail(line, where(), `malformed tag ${JSON.stringify(text.slice(lt, Math.min(gt + 1, lt + 40)))}`);
    pos = gt + 1;
    const name = (tag[2] ?? "").toUpperCase();
    if (tag[1] === "/") {
      const pendingLeaf: OfxElement | null = awaitingClose;
      awaitingClose = null;
      justOpened = null;
      if (pendingLeaf?.name !== name) closeElement(stack, name, line);
      continue;
    }
    awaitingClose = null;
    const parent = top ?? root;
    const element: OfxElement = { name, line, value: null, children: [], parent };
    parent.children.push(element);
    if (tag[3] === "/") {
      element.value = "";
      justOpened = null;
      continue;
    }
    stack.push(element);
    if (stack.length > MAX_DEPTH)
      fail(line, elementPath(element), `elements are nested deeper than ${MAX_DEPTH}`);
    justOpened = element;
  }

  const open = stack[stack.length - 1];
  if (stack.length > 1 && open) {
    fail(
      lines.lineAt(text.length),
      elementPath(open),
      `truncated: <${open.name}> opened on line ${open.line} is never closed`,
    );
  }
  const [ofx, ...rest] = root.children;
  if (ofx?.name !== "OFX") fail(ofx?.line ?? null, ofx?.name ?? null, "the body does not start with <OFX>");
  if (rest[0]) fail(rest[0].line, rest[0].name, "content after </OFX>");
  return ofx;
}

export function childElement(element: OfxElement, name: string): OfxElement | undefined {
  return element.children.find((child) => child.name === name);
}

export function childElements(element: OfxElement, name: string): OfxElement[] {
  return element.children.filter((child) => child.name === name);
}

/** Every element named `name` below `element`, in document order. */
export function descendantElements(element: OfxElement, name: string): OfxElement[] {
  const found: OfxElement[] = [];
  const walk = (node: OfxElement): void => {
    for (const child of node.children) {
      if (child.name === name) found.push(child);
      else walk(child);
    }
  };
  walk(element);
  return found;
}

/** A child leaf's text ("" when empty), or undefined when the child is absent. */
export function leafText(element: OfxElement, name: string): string | undefined {
  const child = childElement(element, name);
  if (!child) return undefined;
  return child.value ?? "";
}
