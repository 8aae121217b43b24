/** Recorded with every plan and tool call: replay says which rules produced a result. */
export const ENGINE_VERSION = "lotwise-engine/1";
