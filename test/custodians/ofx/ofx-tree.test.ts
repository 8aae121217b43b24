// The OFX element reader: SGML leaves that are never closed, XML leaves that are, empty leaves,
// entities (decoded, never expanded), and refusals that name the line and element.
import { describe, expect, it } from "vitest";
import { ImportFailure } from "../../../src/custodians/normalise.ts";
import {
  childElement,
  descendantElements,
  elementPath,
  leafText,
  type OfxElement,
  parseOfxBody,
} from "../../../src/custodians/ofx/ofx-tree.ts";
import { LineIndex } from "../../../src/custodians/ofx/text-lines.ts";

const parse = (body: string): OfxElement => parseOfxBody(body, 0, new LineIndex(body));

function refusal(body: string) {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof ImportFailure) return error.error;
    throw error;
  }
  throw new Error("expected a refusal");
}

function find(root: OfxElement, name: string): OfxElement {
  const [element] = descendantElements(root, name);
  if (!element) throw new Error(`no <${name}>`);
  return element;
}

describe("OFX element reader", () => {
  it("reads SGML leaves without end tags, trimming padded values", () => {
    const ofx = parse(
      "<OFX><INVBUY><UNITS>+0000000000100.00000<BUYTYPE>BUY    </INVBUY><SUBACCTFUND>CASH    </OFX>",
    );
    const invbuy = find(ofx, "INVBUY");
    expect(leafText(invbuy, "UNITS")).toBe("+0000000000100.00000");
    expect(leafText(invbuy, "BUYTYPE")).toBe("BUY");
    expect(leafText(ofx, "SUBACCTFUND")).toBe("CASH");
  });

  it("reads XML leaves with end tags, indented across lines, with line numbers", () => {
    const ofx = parse(
      "<OFX>\n  <SECID>\n    <UNIQUEID>037833100</UNIQUEID>\n    <UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE>\n  </SECID>\n</OFX>\n",
    );
    const secid = find(ofx, "SECID");
    expect(leafText(secid, "UNIQUEID")).toBe("037833100");
    expect(secid.line).toBe(2);
    expect(childElement(secid, "UNIQUEIDTYPE")?.line).toBe(4);
  });

  it("treats an empty SGML leaf as empty and keeps the elements that follow it as its siblings", () => {
    const ofx = parse("<OFX><INVTRAN><FITID>1<MEMO><DTTRADE>20240101</INVTRAN></OFX>");
    const invtran = find(ofx, "INVTRAN");
    expect(invtran.children.map((child) => child.name)).toEqual(["FITID", "MEMO", "DTTRADE"]);
    expect(leafText(invtran, "MEMO")).toBe("");
    expect(leafText(invtran, "DTTRADE")).toBe("20240101");
  });

  it("reads empty XML leaves, self-closing elements, comments, CDATA and processing instructions", () => {
    const ofx = parse(
      '<?xml version="1.0"?><OFX><!-- a comment --><A></A><B/><C><![CDATA[x < y]]></C></OFX>',
    );
    expect(leafText(ofx, "A")).toBe("");
    expect(leafText(ofx, "B")).toBe("");
    expect(leafText(ofx, "C")).toBe("x < y");
  });

  it("decodes the five XML entities and character references; other references stay as written", () => {
    const ofx = parse(
      "<OFX><N>S&amp;P &lt;500&gt; &#38; &#x26; &quot;q&quot; &apos;a&apos; AT&T &foo;</N></OFX>",
    );
    expect(leafText(ofx, "N")).toBe(`S&P <500> & & "q" 'a' AT&T &foo;`);
  });

  it("names elements by path, numbering repeated siblings", () => {
    const ofx = parse("<OFX><LIST><BUY><U>1</BUY><BUY><U>2</BUY></LIST></OFX>");
    const second = descendantElements(ofx, "BUY")[1];
    expect(second && elementPath(childElement(second, "U") as OfxElement)).toBe("LIST/BUY[2]/U");
  });

  it("refuses markup declarations by name", () => {
    expect(refusal('<OFX>\n<!ENTITY x "y"></OFX>')).toMatchObject({ line: 2, field: "ENTITY" });
    expect(refusal("<OFX><!ELEMENT OFX ANY></OFX>")).toMatchObject({ line: 1, field: "ELEMENT" });
    expect(refusal("<OFX><!DOCTYPE x></OFX>").message).toMatch(/markup declaration .*refused/);
  });

  it("refuses truncated bodies, naming the element left open and where it started", () => {
    expect(refusal("<OFX>\n<INVTRANLIST>\n<BUYSTOCK><UNITS>1")).toMatchObject({
      line: 3,
      field: "INVTRANLIST/BUYSTOCK",
      message: "truncated: <BUYSTOCK> opened on line 3 is never closed",
    });
    expect(refusal("<OFX><INVTRANLIST><BUYST").message).toMatch(/ends inside a tag/);
    expect(refusal("<OFX><!-- never closed").message).toMatch(/comment is never closed/);
  });

  it("refuses stray end tags, stray text, malformed tags, and content after </OFX>", () => {
    expect(refusal("<OFX><A><B>1</C></A></OFX>")).toMatchObject({
      message: "closing tag </C> matches no open element",
    });
    expect(refusal("<OFX><A><B>1</A>text</OFX>").message).toMatch(/unexpected text "text"/);
    expect(refusal("<OFX><A 1></A></OFX>").message).toMatch(/malformed tag/);
    expect(refusal("<OFX></OFX><OFX></OFX>").message).toMatch(/content after <\/OFX>/);
    expect(refusal("<NOTOFX></NOTOFX>").message).toMatch(/does not start with <OFX>/);
  });

  it("refuses nesting deeper than 64 elements", () => {
    const deep = `<OFX>${"<A>".repeat(80)}x${"</A>".repeat(80)}</OFX>`;
    expect(refusal(deep).message).toMatch(/nested deeper than 64/);
  });
});
