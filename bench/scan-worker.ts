// The worker side of the worker-thread experiment in bench/scan.ts: decodes planning inputs and
// scans them with the pure engine, returning the rows.
import { parentPort } from "node:worker_threads";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { type ScanInputs, scanHousehold } from "../src/engine/planning/scan-household.ts";
import { decodeInputs } from "./scan-codec.ts";

parentPort?.on("message", (message: { now: string; inputs: unknown[] }) => {
  const rows = message.inputs.map((encoded) =>
    scanHousehold(decodeInputs(encoded) as ScanInputs, DEFAULT_PLAN_SETTINGS, message.now),
  );
  parentPort?.postMessage(rows);
});
