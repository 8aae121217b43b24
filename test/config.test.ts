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

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", LOG_LEVEL: "" }, { isTty: false }).database.kind).toBe("pglite");
  });

  it.each([
    [{ DATABASE_URL: "mysql://localhost/x" }, "DATABASE_URL"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ LOG_FORMAT: "xml" }, "LOG_FORMAT"],
  ])("names the bad variable in %j", (env, name) => {
    expect(() => loadConfig(env, { isTty: false })).toThrow(ConfigError);
    expect(() => loadConfig(env, { isTty: false })).toThrow(
      new RegExp(`^invalid environment:\\n  ${name}: `),
    );
  });
});
