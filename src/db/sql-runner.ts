// The small SQL surface migrations and health checks need, over PGlite or node-postgres.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type pg from "pg";

export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a multi-statement script (no parameters). */
  exec(script: string): Promise<void>;
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

export function pgliteRunner(db: PGlite | Transaction): SqlRunner {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows;
    },
    async exec(script) {
      await db.exec(script);
    },
    async transaction(work) {
      if (!("transaction" in db)) return work(pgliteRunner(db));
      return (db as PGlite).transaction((tx) => work(pgliteRunner(tx)));
    },
  };
}

export function pgClientRunner(client: pg.ClientBase, inTransaction = false): SqlRunner {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as Row[];
    },
    async exec(script) {
      await client.query(script);
    },
    async transaction(work) {
      if (inTransaction) return work(pgClientRunner(client, true));
      await client.query("BEGIN");
      try {
        const result = await work(pgClientRunner(client, true));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
  };
}
