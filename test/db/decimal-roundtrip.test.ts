import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toDecimal } from "../../src/db/mapping.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

// NUMERIC(20,8): 12 integer digits and 8 decimals, exactly.
const EDGE_VALUES = [
  "12345678901.12345678",
  "-99999999999.99999999",
  "99999999999.99999999",
  "0.00000001",
  "-0.00000001",
  "0.1",
  "0.2",
  "0.3",
  "1234.5",
  "0",
  "100.10",
];

describe(`decimal round trip on ${BACKEND}`, () => {
  let db: TestDatabase;
  let n = 0;

  beforeAll(async () => {
    db = await openTestDatabase();
    await db.prisma.assetClass.create({ data: { id: "us_equity", name: "US equity" } });
    await db.prisma.security.create({
      data: { id: "sec-x", symbol: "X", name: "X fund", type: "ETF", assetClassId: "us_equity" },
    });
  });
  afterAll(() => db.close());

  async function roundTrip(value: string): Promise<Decimal> {
    n += 1;
    const row = await db.prisma.price.create({
      data: {
        id: `p${n}`,
        securityId: "sec-x",
        asOf: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
        price: value,
        kind: "CLOSE",
        source: "test",
      },
    });
    const read = await db.prisma.price.findUniqueOrThrow({ where: { id: row.id } });
    return toDecimal(read.price);
  }

  it.each(EDGE_VALUES)("stores and reads back %s exactly", async (value) => {
    const back = await roundTrip(value);
    expect(back.equals(new Decimal(value))).toBe(true);
    expect(back.toFixed(8)).toBe(new Decimal(value).toFixed(8));
  });

  it("sums in SQL exactly what decimal.js sums (0.1 + 0.2 = 0.3, not 0.30000000000000004)", async () => {
    const rows = await db.withSql((sql) =>
      sql.query<{ total: string }>(
        `SELECT (price::numeric + 0.2)::text AS total FROM price WHERE price = 0.1 LIMIT 1`,
      ),
    );
    expect(rows[0]?.total).toBe(new Decimal("0.1").plus("0.2").toFixed(8));
  });

  it("round-trips any NUMERIC(20,8) value (property)", async () => {
    const digits = fc.bigInt({ min: -(10n ** 19n) + 1n, max: 10n ** 19n - 1n });
    await fc.assert(
      fc.asyncProperty(digits, async (scaled) => {
        const value = new Decimal(scaled.toString()).dividedBy(1e8).toFixed(8);
        const back = await roundTrip(value);
        expect(back.toFixed(8)).toBe(value);
      }),
      { numRuns: 60 },
    );
  });
});
