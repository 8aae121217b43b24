// Where Slack reaches lotwise in HTTP mode: events, slash commands and interactivity share one path
// (the manifests' request URLs), with liveness and readiness checks beside it.
export const EVENTS_PATH = "/slack/events";
export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
