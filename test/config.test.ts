import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("loadConfig", () => {
  it("defaults to embedded PGlite under ./.lotwise", () => {
    const config = loadConfig({}, { isTty: false });
    expect(config.database.kind).toBe("pglite");
    expect(config.home.endsWith(".lotwise")).toBe(true);
    expect(config.log).toEqual({ level: "info", pretty: false });
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://u:p@db.internal:5432/lotwise" }, { isTty: true });
    expect(config.database).toEqual({ kind: "postgres", url: "postgresql://u:p@db.internal:5432/lotwise" });
    expect(config.log.pretty).toBe(true);
  });

  it("the assistant defaults to the fallback (no key) on the default model", () => {
    expect(loadConfig({}, { isTty: false }).assistant).toEqual({
      apiKey: null,
      baseUrl: null,
      model: "claude-sonnet-5-5",
    });
    const configured = loadConfig(
      {
        ANTHROPIC_API_KEY: "sk-test",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9999",
        LOTWISE_MODEL: "claude-opus-4-1",
      },
      { isTty: false },
    );
    expect(configured.assistant).toEqual({
      apiKey: "sk-test",
      baseUrl: "http://127.0.0.1:9999",
      model: "claude-opus-4-1",
    });
  });

  it("the assistant's replies link nowhere unless LOTWISE_LINK_HOSTS names the hosts", () => {
    expect(loadConfig({}, { isTty: false }).links.hosts).toEqual([]);
    expect(
      loadConfig({ LOTWISE_LINK_HOSTS: "Docs.Example.com, wiki.example.com" }, { isTty: false }).links.hosts,
    ).toEqual(["docs.example.com", "wiki.example.com"]);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", LOG_LEVEL: "" }, { isTty: false }).database.kind).toBe("pglite");
  });

  it.each([
    [{ DATABASE_URL: "mysql://localhost/x" }, "DATABASE_URL"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ LOG_FORMAT: "xml" }, "LOG_FORMAT"],
    [{ ANTHROPIC_BASE_URL: "ftp://example.com" }, "ANTHROPIC_BASE_URL"],
    [{ LOTWISE_MODEL: "Claude Sonnet!" }, "LOTWISE_MODEL"],
    [{ SLACK_BOT_TOKEN: "xapp-wrong-kind" }, "SLACK_BOT_TOKEN"],
    [{ SLACK_API_URL: "http://127.0.0.1:9/api" }, "SLACK_API_URL"],
    [{ PORT: "70000" }, "PORT"],
    [{ LOTWISE_FOUR_EYES: "yes" }, "LOTWISE_FOUR_EYES"],
    [{ IBKR_FLEX_QUERY_ID: "my-query" }, "IBKR_FLEX_QUERY_ID"],
    [{ QUOTES_URL: "ftp://quotes" }, "QUOTES_URL"],
    [{ LOTWISE_LINK_HOSTS: "https://docs.example.com" }, "LOTWISE_LINK_HOSTS"],
    [{ LOTWISE_LINK_HOSTS: "docs.example.com wiki.example.com" }, "LOTWISE_LINK_HOSTS"],
  ])("names the bad variable in %j", (env, name) => {
    expect(() => loadConfig(env, { isTty: false })).toThrow(ConfigError);
    expect(() => loadConfig(env, { isTty: false })).toThrow(
      new RegExp(`^invalid environment:\\n  ${name}: `),
    );
  });
});
