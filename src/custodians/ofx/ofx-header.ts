// The OFX header: OFX 1.x SGML files open with `KEY:VALUE` lines (OFXHEADER:100, DATA:OFXSGML, ...);
// OFX 2.x XML files with `<?xml ...?><?OFX OFXHEADER="200" VERSION="2xx" ...?>`. Some exports
// start straight at <OFX>. The header says where the element body starts.
import { fail } from "../normalise.ts";
import { withoutBom } from "./text-encoding.ts";
import type { LineIndex } from "./text-lines.ts";

export type OfxSyntax = "sgml" | "xml" | "headerless";

export interface OfxHeader {
  syntax: OfxSyntax;
  version: string | null;
  /** Offset (in the text as given, without its BOM) where the element body starts. */
  bodyOffset: number;
}

const SGML_START = /^\s*OFXHEADER\s*:/i;
const XML_DECLARATION = /^\s*<\?xml\b/i;
const OFX_INSTRUCTION = /<\?OFX\b/i;
/** OFX 2.x: an XML declaration, then (within the first bytes) the <?OFX ...?> instruction. */
const isXmlOfx = (head: string) => XML_DECLARATION.test(head) && OFX_INSTRUCTION.test(head);
const BARE_START = /^\s*<OFX>/i;

/** Cheap check on the first bytes: is this an OFX or QFX file? */
export function looksLikeOfx(text: string): boolean {
  const head = withoutBom(text).slice(0, 4096);
  return SGML_START.test(head) || isXmlOfx(head) || BARE_START.test(head);
}

function readSgmlHeader(text: string, lines: LineIndex): OfxHeader {
  const bodyOffset = text.indexOf("<");
  if (bodyOffset === -1)
    fail(null, "OFX", "the OFX header is not followed by any <OFX> element (truncated file)");
  const fields = new Map<string, string>();
  let offset = 0;
  for (const rawLine of text.slice(0, bodyOffset).split("\n")) {
    const line = rawLine.trim();
    const lineNumber = lines.lineAt(offset);
    offset += rawLine.length + 1;
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) fail(lineNumber, null, `malformed OFX header line ${JSON.stringify(line.slice(0, 60))}`);
    fields.set(line.slice(0, colon).trim().toUpperCase(), line.slice(colon + 1).trim());
  }
  const ofxHeader = fields.get("OFXHEADER");
  if (ofxHeader !== "100") {
    fail(1, "OFXHEADER", `unsupported OFX header version ${JSON.stringify(ofxHeader)} (expected 100)`);
  }
  const data = fields.get("DATA");
  if (data !== undefined && data.toUpperCase() !== "OFXSGML") {
    fail(null, "DATA", `unsupported OFX DATA ${JSON.stringify(data)} (expected OFXSGML)`);
  }
  return { syntax: "sgml", version: fields.get("VERSION") ?? null, bodyOffset };
}

function readXmlHeader(text: string, lines: LineIndex): OfxHeader {
  const start = text.search(/<\?OFX\b/i);
  const end = text.indexOf("?>", start);
  if (start === -1 || end === -1)
    fail(1, "OFXHEADER", "the <?OFX ...?> processing instruction is not closed");
  const instruction = text.slice(start, end);
  const attributes = new Map<string, string>();
  for (const match of instruction.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) {
    attributes.set((match[1] ?? "").toUpperCase(), match[2] ?? "");
  }
  const ofxHeader = attributes.get("OFXHEADER");
  if (ofxHeader !== "200") {
    fail(
      lines.lineAt(start),
      "OFXHEADER",
      `unsupported OFX header version ${JSON.stringify(ofxHeader)} (expected 200)`,
    );
  }
  return { syntax: "xml", version: attributes.get("VERSION") ?? null, bodyOffset: end + 2 };
}

/** Reads the header of `text` (already without its BOM); refuses anything that is not OFX. */
export function readOfxHeader(text: string, lines: LineIndex): OfxHeader {
  const head = text.slice(0, 4096);
  if (SGML_START.test(head)) return readSgmlHeader(text, lines);
  if (isXmlOfx(head)) return readXmlHeader(text, lines);
  if (BARE_START.test(head)) return { syntax: "headerless", version: null, bodyOffset: text.indexOf("<") };
  return fail(1, null, "not an OFX file: it starts with neither an OFX header nor <OFX>");
}
