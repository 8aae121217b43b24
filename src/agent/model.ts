// The Claude model the assistant uses unless LOTWISE_MODEL names another. SDK 1.12 marks
// claude-sonnet-4-5 deprecated (end of life 2026-11-30) and warns on every call, so the default is
// the current Sonnet.
export const DEFAULT_MODEL = "claude-sonnet-5-5";
