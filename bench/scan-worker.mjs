// Starts bench/scan-worker.ts in a worker thread through tsx (a worker does not inherit the loader).
import { register } from "tsx/esm/api";

register();
await import("./scan-worker.ts");
