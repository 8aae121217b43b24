// The Slack app manifests declare what the app listens to and calls: the events its listeners
// handle, the slash command, interactivity, and a scope for every Web API method it uses, nothing
// more. manifest.json is Socket Mode; manifest.http.json the same app with request URLs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENTS_PATH } from "../../src/slack/create-slack-app.ts";
import { SLASH_COMMAND } from "../../src/slack/listeners/slash-command.ts";
import { ROOT } from "../support/cli.ts";

interface Manifest {
  features: { slash_commands: { command: string; url?: string }[]; bot_user: { display_name: string } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

const read = (name: string) => JSON.parse(readFileSync(join(ROOT, "slack", name), "utf8")) as Manifest;

/** Every Web API method src/slack calls, and the scope it needs (views.open needs none). */
const METHOD_SCOPES: Record<string, string | null> = {
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
  "chat.postEphemeral": "chat:write",
  "views.open": null,
  "assistant.threads.setStatus": "assistant:write",
  "assistant.threads.setSuggestedPrompts": "assistant:write",
  "files.getUploadURLExternal": "files:write",
  "files.completeUploadExternal": "files:write",
};

const EVENT_SCOPES: Record<string, string> = {
  app_mention: "app_mentions:read",
  "message.im": "im:history",
  assistant_thread_started: "assistant:write",
  assistant_thread_context_changed: "assistant:write",
};

describe("slack/manifest.json", () => {
  const socket = read("manifest.json");
  const http = read("manifest.http.json");

  it("subscribes to the events the listeners handle, with their scopes", () => {
    expect([...socket.settings.event_subscriptions.bot_events].sort()).toEqual(
      Object.keys(EVENT_SCOPES).sort(),
    );
    for (const scope of Object.values(EVENT_SCOPES)) expect(socket.oauth_config.scopes.bot).toContain(scope);
  });

  it("has a scope for every Web API method the app calls, and no scope it does not need", () => {
    const needed = new Set([
      ...Object.values(METHOD_SCOPES).filter((s): s is string => s !== null),
      ...Object.values(EVENT_SCOPES),
      "commands",
      "im:read",
      "im:write",
    ]);
    expect(new Set(socket.oauth_config.scopes.bot)).toEqual(needed);
  });

  it("METHOD_SCOPES lists every Web API method src/slack calls", () => {
    const dir = join(ROOT, "src/slack");
    const called = new Set<string>();
    for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    )) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const m of source.matchAll(
        /client\.((?:chat|views|assistant\.threads|files|users|conversations)\.\w+)\(/g,
      )) {
        called.add(m[1] ?? "");
      }
      if (source.includes("filesUploadV2(")) {
        called.add("files.getUploadURLExternal");
        called.add("files.completeUploadExternal");
      }
    }
    expect([...called].sort()).toEqual(Object.keys(METHOD_SCOPES).sort());
  });

  it("declares /lotwise and interactivity; Socket Mode needs no URLs", () => {
    expect(socket.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect(socket.settings.interactivity.is_enabled).toBe(true);
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(socket.settings.event_subscriptions.request_url).toBeUndefined();
  });

  it("the HTTP variant is the same app with every request URL on /slack/events", () => {
    expect(http.settings.socket_mode_enabled).toBe(false);
    const urls = [
      http.settings.event_subscriptions.request_url,
      http.settings.interactivity.request_url,
      http.features.slash_commands[0]?.url,
    ];
    for (const url of urls) expect(url).toMatch(new RegExp(`^https://[^/]+${EVENTS_PATH}$`));
    const strip = (m: Manifest) => {
      const copy = structuredClone(m);
      copy.settings.socket_mode_enabled = true;
      delete copy.settings.event_subscriptions.request_url;
      delete copy.settings.interactivity.request_url;
      for (const command of copy.features.slash_commands) delete command.url;
      return copy;
    };
    expect(strip(http)).toEqual(socket);
  });
});
