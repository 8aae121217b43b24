// A Slack thread's conversation key: one conversation (history, audit stream) per thread.
export interface SlackThread {
  teamId: string;
  channel: string;
  threadTs: string;
}

export function slackThreadKey(thread: SlackThread): string {
  return `slack:${thread.teamId}:${thread.channel}:${thread.threadTs}`;
}
