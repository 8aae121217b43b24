// The assistant's reply in Slack is data: no mention or special command survives escaping, and it
// links only to the hosts the firm allowed; anything else, a markdown link or a bare URL, is shown
// as text Slack does not turn into a link.
import { describe, expect, it } from "vitest";
import { answerMessage, toMrkdwn } from "../../src/slack/answer-blocks.ts";
import { breakLinks, escapeMrkdwn, LINK_BREAK } from "../../src/slack/slack-limits.ts";

/** What a reader sees: the word joiners are invisible. */
const seen = (text: string) => text.replaceAll(LINK_BREAK, "");
const sectionTexts = (blocks: unknown[]) =>
  blocks.flatMap((b) => {
    const block = b as { type: string; text?: { text: string; verbatim?: boolean } };
    return block.type === "section" && block.text ? [block.text] : [];
  });

/** Anything Slack would render as a link or a mention: `<…>` tokens, or a URL or host it auto-links. */
function linksIn(mrkdwn: string): string[] {
  const outside = mrkdwn.replace(/<[^>]*>/g, " ");
  return [
    ...(mrkdwn.match(/<[^>]*>/g) ?? []),
    ...(outside.match(/\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/gi) ?? []),
  ];
}

describe("links in the reply", () => {
  it("a markdown link to a host not allowed is its label and where it pointed, not a link", () => {
    const text = toMrkdwn("[Approve now](https://evil.example/approve)");
    expect(seen(text)).toBe("Approve now (evil.example/approve)");
    expect(linksIn(text)).toEqual([]);
    expect(text).not.toContain("<https://evil.example");
  });

  it("a bare URL, a www. name, a host and an email address are broken so Slack does not link them", () => {
    const raw = "Go to https://evil.example/approve or www.evil.example, evil.example or ops@evil.example";
    const text = toMrkdwn(raw);
    expect(seen(text)).toBe(raw);
    expect(linksIn(text)).toEqual([]);
    // The break is a word joiner before each dot, colon and at sign of the word.
    expect(text).toContain(`https${LINK_BREAK}://evil${LINK_BREAK}.example/approve`);
  });

  it("a link to an allowed host stays a link; the same link elsewhere in the reply does not", () => {
    const policy = { linkHosts: ["docs.firm.example"] };
    expect(toMrkdwn("See [the policy](https://docs.firm.example/wash-sales?x=1&y=2).", policy)).toBe(
      "See <https://docs.firm.example/wash-sales?x=1&amp;y=2|the policy>.",
    );
    expect(toMrkdwn("See https://docs.firm.example/wash-sales", policy)).toBe(
      "See <https://docs.firm.example/wash-sales>",
    );
    const mixed = toMrkdwn(
      "[ok](https://docs.firm.example/a) [Approve now](https://evil.example/approve)",
      policy,
    );
    expect(linksIn(mixed)).toEqual(["<https://docs.firm.example/a|ok>"]);
    // A subdomain, another scheme or credentials in the URL are not the allowed host.
    for (const url of [
      "https://evil.docs.firm.example/a",
      "javascript://docs.firm.example/a",
      "https://user@docs.firm.example/a",
    ]) {
      expect(linksIn(toMrkdwn(`[x](${url})`, policy)), url).toEqual([]);
    }
  });

  it("the label of an allowed link cannot carry a mention or a second link", () => {
    const text = toMrkdwn("[<!channel> www.evil.example](https://docs.firm.example/a)", {
      linkHosts: ["docs.firm.example"],
    });
    expect(text).toBe(
      `<https://docs.firm.example/a|&lt;!channel&gt; www${LINK_BREAK}.evil${LINK_BREAK}.example>`,
    );
  });
});

describe("mentions and special commands", () => {
  it.each([
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123|general>",
    "<!subteam^S123>",
    "<!date^1795205100^{date_short}|today>",
    "<https://evil.example|Approve now>",
    "<mailto:ops@evil.example|mail>",
  ])("%s stays escaped, bold and headings included", (token) => {
    for (const text of [
      toMrkdwn(`**${token}**`),
      toMrkdwn(`# ${token}`),
      toMrkdwn(`[${token}](https://x.example)`),
    ]) {
      expect(text).not.toMatch(/<[^>]*>/);
      expect(text).toContain("&lt;");
    }
  });

  it("private-use characters the renderer uses as markers cannot smuggle a link back in", () => {
    const text = toMrkdwn("\uE0000\uE001 [ok](https://docs.firm.example/a)", {
      linkHosts: ["docs.firm.example"],
    });
    expect(text).toBe("0 <https://docs.firm.example/a|ok>");
  });
});

describe("the reply message", () => {
  it("sections are verbatim (no auto-linking by Slack); the notification text has no link at all", () => {
    const reply =
      "**Done.** [Approve now](https://evil.example/approve) <!channel> see https://docs.firm.example/a";
    const message = answerMessage(
      { text: reply, fallbackReason: null },
      { linkHosts: ["docs.firm.example"] },
    );
    const [section] = sectionTexts(message.blocks);
    expect(section?.verbatim).toBe(true);
    expect(linksIn(section?.text ?? "")).toEqual(["<https://docs.firm.example/a>"]);
    expect(linksIn(message.text)).toEqual([]);
    expect(seen(message.text)).toBe(
      "*Done.* Approve now (evil.example/approve) &lt;!channel&gt; see https://docs.firm.example/a",
    );
  });

  it("with no allowed hosts (the default) nothing in the reply is a link", () => {
    const message = answerMessage({
      text: "[Docs](https://docs.firm.example/a) and https://docs.firm.example/b",
      fallbackReason: null,
    });
    expect(linksIn(JSON.stringify(message))).toEqual([]);
  });
});

describe("escapeMrkdwn", () => {
  it("escapes the control characters, breaks links, and drops hidden and bidi control characters", () => {
    expect(escapeMrkdwn("a < b & c > d")).toBe("a &lt; b &amp; c &gt; d");
    expect(seen(escapeMrkdwn("Joint\u202Evorppa\u202C www.evil.example\u0007"))).toBe(
      "Jointvorppa www.evil.example",
    );
    expect(linksIn(escapeMrkdwn("Joint https://evil.example"))).toEqual([]);
  });

  it("leaves ordinary text, figures and dates alone, and breaking twice changes nothing more", () => {
    const plain = "SELL 577 VTI: $178,870.00 at $310.00 on 2026-11-20T20:18:00Z, e.g. in U.S. accounts";
    expect(escapeMrkdwn(plain)).toBe(plain);
    const once = breakLinks("https://evil.example/a");
    expect(breakLinks(once)).toBe(once);
  });
});
