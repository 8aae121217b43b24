// FC_SEED pins fast-check's seed (the coverage gate uses it, so what the properties exercise is
// reproducible); without it every run explores new cases, and a failure prints its seed.
import fc from "fast-check";

if (process.env.FC_SEED) fc.configureGlobal({ seed: Number.parseInt(process.env.FC_SEED, 10) });
