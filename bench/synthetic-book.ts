// The benchmarks' synthetic book lives in src (it is what `lotwise seed --synthetic` writes).
export * from "../src/demo/synthetic-book.ts";
