// Finds the audit signing key: LOTWISE_AUDIT_KEY when set, otherwise the key file under
// LOTWISE_HOME, generated once (mode 0600) the first time something has to be signed.
import { randomUUID } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Config, ConfigError } from "../config.ts";
import { type AuditSigner, generateAuditKey, parseAuditKey } from "./audit-key.ts";

export type AuditKeySettings = Pick<Config["audit"], "key" | "keyFile">;

/** The configured key, else the stored one; null when there is neither. */
export function findAuditKey(settings: AuditKeySettings): AuditSigner | null {
  if (settings.key !== null) return parsed(settings.key, "LOTWISE_AUDIT_KEY");
  const stored = readKeyFile(settings.keyFile);
  return stored === null ? null : parsed(stored, settings.keyFile);
}

/** Like `findAuditKey`, but a missing key file is generated (mode 0600) and `onCreated` told where. */
export function loadOrCreateAuditKey(
  settings: AuditKeySettings,
  onCreated: (path: string) => void,
): AuditSigner {
  const found = findAuditKey(settings);
  if (found) return found;
  mkdirSync(dirname(settings.keyFile), { recursive: true });
  // Written aside, then linked into place: no process ever reads a half-written key, and when two
  // generate one at once, the first link wins and both use it.
  const aside = `${settings.keyFile}.${process.pid}.${randomUUID()}`;
  writeFileSync(aside, `${generateAuditKey()}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(aside, settings.keyFile);
    onCreated(settings.keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(aside, { force: true });
  }
  return parsed(readFileSync(settings.keyFile, "utf8"), settings.keyFile);
}

function readKeyFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ConfigError(`cannot read the audit key ${path}: ${(error as Error).message}`);
  }
}

function parsed(text: string, source: string): AuditSigner {
  const key = parseAuditKey(text);
  if (!key.ok) throw new ConfigError(`${source}: ${key.error.message}`);
  return key.value;
}
