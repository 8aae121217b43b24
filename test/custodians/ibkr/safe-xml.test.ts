// The strict XML reader: what it reads, and what it refuses (and where).
import { describe, expect, it } from "vitest";
import { readXml } from "../../../src/custodians/ibkr/safe-xml.ts";

function refusal(text: string) {
  const result = readXml(text);
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

describe("safe XML reader", () => {
  it("reads elements, attributes, text, CDATA, comments and the five predefined entities", () => {
    const result = readXml(
      '\uFEFF<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2" y=\'&lt;&#65;&#x42;\'>\n  <b>t&gt;<![CDATA[<raw & text>]]></b><c/>\n</a>\n',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const root = result.value;
    expect(root.name).toBe("a");
    expect(Object.fromEntries(root.attributes)).toEqual({ x: "1 & 2", y: "<AB" });
    expect(root.children.map((c) => [c.name, c.text, c.line])).toEqual([
      ["b", "t><raw & text>", 3],
      ["c", "", 3],
    ]);
  });

  it("refuses DOCTYPE and ENTITY declarations, wherever they are", () => {
    expect(refusal('<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>').message).toContain(
      "DOCTYPE declarations are refused",
    );
    expect(refusal('<a>\n<!ENTITY x "y"></a>')).toEqual({
      line: 2,
      message:
        "ENTITY declarations are refused (they can define entities that expand or fetch external files)",
    });
  });

  it("refuses unknown entities, bare ampersands and bad character references", () => {
    expect(refusal("<a>&nbsp;</a>").message).toBe(
      "unknown entity &nbsp; (entity declarations are not supported)",
    );
    expect(refusal('<a x="&constructor;"/>').message).toContain("unknown entity &constructor;");
    expect(refusal("<a>fish & chips</a>").message).toBe('bare "&" (write &amp;)');
    expect(refusal("<a>&#0;</a>").message).toBe("invalid character reference &#0;");
    expect(refusal("<a>&#xD800;</a>").message).toBe("invalid character reference &#xD800;");
  });

  it("refuses mismatched, unclosed and duplicate structure", () => {
    expect(refusal("<a><b></a>")).toEqual({
      line: 1,
      message: "end tag </a> does not match <b> opened at line 1",
    });
    expect(refusal("<a>\n<b>")).toEqual({
      line: 2,
      message: "the file ends before <b> (line 2) is closed: it looks truncated",
    });
    expect(refusal('<a x="1" x="2"/>').message).toBe("duplicate attribute x in <a>");
    expect(refusal("<a/><b/>").message).toBe("a second root element <b>");
    expect(refusal("text<a/>").message).toBe("text outside the root element");
    expect(refusal("").message).toBe("no root element: the file is empty or not XML");
    expect(refusal("<a x=1/>").message).toBe("attribute x in <a> is not quoted");
    expect(refusal('<a x="1"').message).toBe("the file ends inside the start tag <a> (truncated)");
  });

  it("refuses nesting deeper than the limit", () => {
    const deep = `${"<a>".repeat(70)}${"</a>".repeat(70)}`;
    expect(refusal(deep).message).toBe("elements nested deeper than 64 levels");
    expect(readXml(deep, { maxDepth: 100 }).ok).toBe(true);
  });
});
