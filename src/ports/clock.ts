/** The only source of "now" outside tests; the engine never reads it, it is passed dates. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
