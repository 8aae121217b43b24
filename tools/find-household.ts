// Resolves what the advisor typed ("chen", "Chen Household", "hh-chen") to one household id, which
// every other tool takes. Only households the asker may read are searched, so an ambiguity never
// names another one, and a name that matches none of them is "forbidden" unless the asker reads
// every household (whether it exists elsewhere is not theirs to learn).
import { z } from "zod";
import { forbidden, readableHouseholds, readsEveryHousehold } from "../src/access/authorize.ts";
import { findHousehold } from "../src/engine/find-by-name.ts";
import { refusal } from "./household.ts";
import { refuse, success } from "./schemas.ts";
import { defineTool } from "./tool.ts";

const input = z
  .object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('The household as the advisor named it: "chen", "Chen Household" or an id like "hh-chen".'),
  })
  .strict();

const output = z.object({
  id: z.string(),
  name: z.string(),
  people: z.array(z.object({ name: z.string(), role: z.enum(["CLIENT", "SPOUSE", "DEPENDENT"]) })),
  model: z.object({ name: z.string(), version: z.number().int(), effectiveDate: z.string() }).nullable(),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), tradeable: z.boolean() })),
});

export const findHouseholdTool = defineTool({
  name: "find_household",
  description:
    "Find a household by what the advisor called it (a surname, the household name or its id). Returns the " +
    "household id every other tool needs, its people, its target model and its accounts. Call this first. " +
    "If the name matches several households, the refusal lists them: ask the advisor which one.",
  input,
  output,
  async run({ query }, context) {
    const { principal } = context;
    const households = readableHouseholds(principal, await context.store.listHouseholds());
    const found = findHousehold(query, households);
    if (!found.ok) {
      if (found.error.code === "lookup.ambiguous") return refuse("household.ambiguous", found.error.message);
      if (!readsEveryHousehold(principal)) return refusal(forbidden(principal));
      return refuse("household.not-found", found.error.message);
    }
    const household = found.value;
    return success({
      id: household.id,
      name: household.name,
      people: household.people.map(({ name, role }) => ({ name, role })),
      model: household.model
        ? {
            name: household.model.name,
            version: household.model.version,
            effectiveDate: household.model.effectiveDate,
          }
        : null,
      accounts: household.accounts.map((account) => ({
        id: account.id,
        name: account.nickname,
        type: account.type,
        tradeable: account.tradeable,
      })),
    });
  },
});
