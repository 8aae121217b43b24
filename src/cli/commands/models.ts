// lotwise models list | show | new-version | assign: target models, immutable effective-dated versions.
// Anyone known may look at models (seeing only the households they may read); adding a version or
// assigning one changes the book (book.manage), recorded as the principal who did it.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { readableHouseholds } from "../../access/authorize.ts";
import { type Principal, principalId } from "../../access/principal.ts";
import { type Decimal, formatFixed, parseDecimal } from "../../domain/decimal.ts";
import { type IsoDate, parseIsoDate } from "../../domain/iso-date.ts";
import { marketDate } from "../../domain/market-date.ts";
import { findByName, findHousehold } from "../../engine/find-by-name.ts";
import { validateModelVersion } from "../../engine/planning/validate-model-version.ts";
import type { ModelSummary, ModelVersionSummary } from "../../ports/model-store.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, type CommandContext, UsageError } from "../command.ts";
import { renderTable } from "../format.ts";

const percent = (value: Decimal) => `${formatFixed(value.times(100), 2)}%`;

function versionJson(v: ModelVersionSummary) {
  return {
    id: v.id,
    version: v.version,
    effectiveDate: v.effectiveDate,
    bandAbsolute: v.bandAbsolute.toString(),
    bandRelative: v.bandRelative.toString(),
    rebalanceTo: v.rebalanceTo,
    notes: v.notes,
    targets: v.targets.map((t) => ({
      assetClass: t.assetClassId,
      weight: t.weight.toString(),
      bandAbsolute: t.bandAbsolute?.toString() ?? null,
      bandRelative: t.bandRelative?.toString() ?? null,
      primary: t.primarySymbol,
      alternates: t.alternateSymbols,
    })),
    households: v.households,
  };
}

/** The models with only the assigned households this principal may read. */
function visibleModels(principal: Principal, models: readonly ModelSummary[]): ModelSummary[] {
  return models.map((m) => ({
    ...m,
    versions: m.versions.map((v) => ({ ...v, households: readableHouseholds(principal, v.households) })),
  }));
}

function pickModel(models: ModelSummary[], query: string): ModelSummary {
  const found = findByName(query, models, "model");
  if (!found.ok) throw new CliError(found.error.message);
  return found.value;
}

function pickVersion(model: ModelSummary, version: string | undefined): ModelVersionSummary {
  if (version === undefined) {
    const latest = model.versions.at(-1);
    if (!latest) throw new CliError(`${model.name} has no versions yet`);
    return latest;
  }
  const found = model.versions.find((v) => String(v.version) === version);
  if (!found)
    throw new CliError(
      `${model.name} has no version ${version} (it has ${model.versions.map((v) => v.version).join(", ")})`,
    );
  return found;
}

function dateOption(value: unknown, name: string): IsoDate | undefined {
  if (value === undefined) return undefined;
  const date = parseIsoDate(String(value));
  if (!date)
    throw new UsageError(`--${name} must be a calendar date like 2026-12-01, not "${String(value)}"`);
  return date;
}

export const modelsListCommand: Command = {
  name: "models list",
  summary: "List target models, their versions and the households assigned to each",
  usage: "lotwise models list [--json]",
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print the models as JSON" },
  actsAs: true,
  run(context, { values }) {
    const options = { quiet: Boolean(values.json), command: "models list" };
    return withPrincipal(context, options, async (opened, progress, principal) => {
      const models = visibleModels(principal, await opened.models.listModels());
      progress.done();
      if (values.json) {
        context.io.stdout.write(
          `${JSON.stringify(
            models.map((m) => ({ ...m, versions: m.versions.map(versionJson) })),
            null,
            2,
          )}\n`,
        );
        return 0;
      }
      const rows = models.flatMap((m) => m.versions.map((v) => ({ m, v })));
      context.io.stdout.write(
        `${renderTable(rows, [
          { header: "MODEL", value: ({ m }) => `${m.name} (${m.id})` },
          { header: "VERSION", value: ({ v }) => String(v.version), align: "right" },
          { header: "EFFECTIVE", value: ({ v }) => v.effectiveDate },
          { header: "CLASSES", value: ({ v }) => String(v.targets.length), align: "right" },
          { header: "BANDS", value: ({ v }) => `${percent(v.bandAbsolute)} / ${percent(v.bandRelative)}` },
          { header: "HOUSEHOLDS", value: ({ v }) => v.households.map((h) => h.name).join(", ") },
        ])}\n`,
      );
      return 0;
    });
  },
};

export const modelsShowCommand: Command = {
  name: "models show",
  summary: "Show a model version's targets, bands and securities",
  usage: "lotwise models show <model> [--version N] [--json]",
  options: { version: { type: "string" }, json: { type: "boolean", default: false } },
  optionHelp: { version: "a version number (default: the latest)", json: "print the version as JSON" },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  run(context, { values, positionals }) {
    const options = { quiet: Boolean(values.json), command: "models show" };
    return withPrincipal(context, options, async (opened, progress, principal) => {
      const models = visibleModels(principal, await opened.models.listModels());
      const model = pickModel(models, positionals[0] as string);
      const version = pickVersion(model, values.version as string | undefined);
      progress.done();
      if (values.json) {
        context.io.stdout.write(
          `${JSON.stringify({ model: { id: model.id, name: model.name }, ...versionJson(version) }, null, 2)}\n`,
        );
        return 0;
      }
      context.io.stdout.write(
        `${model.name} v${version.version} (${version.id}), effective ${version.effectiveDate}; bands ${percent(version.bandAbsolute)} absolute / ${percent(version.bandRelative)} relative; rebalance to ${version.rebalanceTo === "TARGET" ? "target" : "band edge"}\n\n`,
      );
      context.io.stdout.write(
        `${renderTable(version.targets, [
          { header: "CLASS", value: (t) => t.assetClassId },
          { header: "TARGET", value: (t) => percent(t.weight), align: "right" },
          {
            header: "BANDS",
            value: (t) =>
              t.bandAbsolute || t.bandRelative
                ? `${t.bandAbsolute ? percent(t.bandAbsolute) : "model"} / ${t.bandRelative ? percent(t.bandRelative) : "model"}`
                : "model",
          },
          { header: "PRIMARY", value: (t) => t.primarySymbol },
          { header: "ALTERNATES", value: (t) => t.alternateSymbols.join(", ") },
        ])}\n`,
      );
      return 0;
    });
  },
};

const decimalText = z
  .string()
  .refine((text) => parseDecimal(text) !== undefined, { message: 'must be a decimal string like "0.25"' });
export const TargetsFile = z.strictObject({
  bandAbsolute: decimalText.optional(),
  bandRelative: decimalText.optional(),
  rebalanceTo: z.enum(["TARGET", "BAND_EDGE"]).optional(),
  notes: z.string().optional(),
  targets: z.array(
    z.strictObject({
      assetClass: z.string().min(1),
      weight: decimalText,
      bandAbsolute: decimalText.optional(),
      bandRelative: decimalText.optional(),
      primary: z.string().min(1),
      alternates: z.array(z.string().min(1)).default([]),
    }),
  ),
});
export type TargetsFile = z.infer<typeof TargetsFile>;

export const modelsNewVersionCommand: Command = {
  name: "models new-version",
  summary: "Add a new, immutable version of a model from a targets file",
  usage: "lotwise models new-version <model> --file <targets.json> --effective YYYY-MM-DD [--json]",
  details:
    'The file: { "bandAbsolute": "0.05", "bandRelative": "0.25", "rebalanceTo": "TARGET", "notes": "...",\n' +
    '  "targets": [{ "assetClass": "us_equity", "weight": "0.6", "primary": "VTI", "alternates": ["ITOT"] }, ...] }\n' +
    "Weights must add up to exactly 1; bands default to the model's latest version. Earlier versions\n" +
    "are never changed, so plans drafted on them can still be replayed.",
  options: {
    file: { type: "string" },
    effective: { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    file: "the targets file (JSON)",
    effective: "the first day the version applies",
    json: "print the new version as JSON",
  },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  run(context, { values, positionals }) {
    const path = values.file as string | undefined;
    if (!path) throw new UsageError("--file <targets.json> is required");
    const effective = dateOption(values.effective, "effective");
    if (!effective) throw new UsageError("--effective YYYY-MM-DD is required");
    let parsed: TargetsFile;
    try {
      const result = TargetsFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new CliError(
          `${path}: ${issue?.path.join(".") || "file"} ${issue?.message ?? "is invalid"}`,
          2,
        );
      }
      parsed = result.data;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read ${path}: ${(error as Error).message}`, 2);
    }
    const options = {
      quiet: Boolean(values.json),
      command: "models new-version",
      needs: "book.manage",
    } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      const model = pickModel(await opened.models.listModels(), positionals[0] as string);
      const latest = model.versions.at(-1);
      const d = (text: string | undefined) => (text === undefined ? null : (parseDecimal(text) as Decimal));
      const bandAbsolute = d(parsed.bandAbsolute) ?? latest?.bandAbsolute;
      const bandRelative = d(parsed.bandRelative) ?? latest?.bandRelative;
      if (!bandAbsolute || !bandRelative)
        throw new CliError("the first version of a model must give bandAbsolute and bandRelative", 2);
      const checked = validateModelVersion(
        {
          bandAbsolute,
          bandRelative,
          targets: parsed.targets.map((t) => ({
            assetClassId: t.assetClass,
            weight: d(t.weight) as Decimal,
            bandAbsolute: d(t.bandAbsolute),
            bandRelative: d(t.bandRelative),
            primarySymbol: t.primary,
            alternateSymbols: t.alternates,
          })),
        },
        await opened.models.assetClassIds(),
        await opened.models.securitiesBySymbol(),
      );
      if (!checked.ok) throw new CliError(`${path}: ${checked.error.join("; ")}`, 2);
      const created = await opened.models.addModelVersion(model.id, {
        effectiveDate: effective,
        bandAbsolute,
        bandRelative,
        rebalanceTo: parsed.rebalanceTo ?? latest?.rebalanceTo ?? "TARGET",
        notes: parsed.notes ?? null,
        targets: checked.value,
      });
      progress.done();
      context.io.stdout.write(
        values.json
          ? `${JSON.stringify(versionJson(created), null, 2)}\n`
          : `Added ${model.name} v${created.version} (${created.id}), effective ${created.effectiveDate}. Assign it with: lotwise models assign <household> ${model.id} --version ${created.version}\n`,
      );
      return 0;
    });
  },
};

export const modelsAssignCommand: Command = {
  name: "models assign",
  summary: "Assign a model version to a household (recorded, effective-dated)",
  usage: "lotwise models assign <household> <model> [--version N] [--effective YYYY-MM-DD]",
  details: "The assignment records who made it: the principal (--as, LOTWISE_USER or the local operator).",
  options: { version: { type: "string" }, effective: { type: "string" } },
  optionHelp: {
    version: "a version number (default: the latest)",
    effective: "the first day it applies (default: today in New York)",
  },
  positionals: { min: 2, max: 2 },
  actsAs: true,
  run(context: CommandContext, { values, positionals }) {
    const effective = dateOption(values.effective, "effective");
    const options = { quiet: false, command: "models assign", needs: "book.manage" } as const;
    return withPrincipal(context, options, async (opened, progress, principal) => {
      const households = await opened.store.listHouseholds();
      const household = findHousehold(positionals[0] as string, households);
      if (!household.ok) throw new CliError(household.error.message);
      const model = pickModel(await opened.models.listModels(), positionals[1] as string);
      const version = pickVersion(model, values.version as string | undefined);
      const on = effective ?? marketDate(context.services.clock.now());
      await opened.models.assignModel(household.value.id, version.id, on, principalId(principal));
      progress.done();
      context.io.stdout.write(
        `${household.value.name} now follows ${model.name} v${version.version} from ${on}.\n`,
      );
      return 0;
    });
  },
};
