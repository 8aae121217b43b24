// Files decoded with the wrong encoding show it in the text: NULs (UTF-16 or binary read as UTF-8)
// or U+FFFD replacement characters (bytes that were not UTF-8). Such files are refused, never guessed at.
import { fail } from "../normalise.ts";
import { LineIndex } from "./text-lines.ts";

const BOM = "\uFEFF";

/** The text without a leading byte-order mark. */
export function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** Refuses text that was not decoded as UTF-8 (or plain ASCII) correctly, naming the first bad line. */
export function assertDecodedText(text: string): void {
  const nul = text.indexOf("\u0000");
  if (nul !== -1) {
    fail(
      new LineIndex(text).lineAt(nul),
      null,
      "the file contains NUL characters: it is binary or UTF-16, not a UTF-8 text export",
    );
  }
  const replacement = text.indexOf("\uFFFD");
  if (replacement !== -1) {
    fail(
      new LineIndex(text).lineAt(replacement),
      null,
      "the file is not valid UTF-8 (a byte could not be decoded): re-export it or save it as UTF-8",
    );
  }
}
