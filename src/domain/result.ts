// Expected outcomes are values: a Result carries either the value or a coded, human-readable error.
export type Result<T, E = Problem> = { ok: true; value: T } | { ok: false; error: E };

export interface Problem {
  code: string;
  message: string;
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E = Problem>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

export function problem(code: string, message: string): { ok: false; error: Problem } {
  return err({ code, message });
}
