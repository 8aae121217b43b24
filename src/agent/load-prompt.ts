// Versioned system prompts: prompts/<name>/<version>.md, read as is. The version and the sha256 of
// the exact bytes go into the audit log with every model request.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root.ts";

export interface LoadedPrompt {
  version: string;
  text: string;
  sha256: string;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const VERSION = /^v\d{3}$/;

export function loadPrompt(name: string, version: string, root: string = PROJECT_ROOT): LoadedPrompt {
  if (!NAME.test(name)) throw new Error(`invalid prompt name: ${JSON.stringify(name)}`);
  if (!VERSION.test(version))
    throw new Error(`invalid prompt version (want v001, v002...): ${JSON.stringify(version)}`);
  const bytes = readFileSync(join(root, "prompts", name, `${version}.md`));
  return {
    version: `${name}/${version}`,
    text: bytes.toString("utf8"),
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
