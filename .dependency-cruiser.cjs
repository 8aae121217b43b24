// Layer rules from the architecture (dependencies point one way). `npm run deps` fails on any breach.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "engine-is-pure",
      comment:
        "src/engine imports nothing but src/domain, itself and decimal.js: no I/O, no Prisma, no logging.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { pathNot: ["^src/engine/", "^src/domain/", "(^|/)node_modules/decimal\\.js/"] },
    },
    {
      name: "domain-is-leaf",
      comment: "src/domain imports only itself and decimal.js.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/", "(^|/)node_modules/decimal\\.js/"] },
    },
    {
      name: "ports-hold-no-logic",
      comment: "src/ports are interfaces over the domain.",
      severity: "error",
      from: { path: "^src/ports/" },
      to: {
        // The plan and the book scan are the engine's output shapes; their store ports keep them as is.
        pathNot: [
          "^src/ports/",
          "^src/domain/",
          "^src/demo/types\\.ts$",
          "^src/engine/planning/plan\\.ts$",
          "^src/engine/planning/scan-household\\.ts$",
          "(^|/)node_modules/decimal\\.js/",
        ],
      },
    },
    {
      name: "access-is-policy",
      comment:
        "src/access (who may see and do what) is a pure policy over principals: it imports only the domain and ports.",
      severity: "error",
      from: { path: "^src/access/" },
      to: { pathNot: ["^src/access/", "^src/domain/", "^src/ports/"] },
    },
    {
      name: "tools-stay-thin",
      comment: "tools/ reach data through ports, never the db, Slack, the agent loop or the CLI.",
      severity: "error",
      from: { path: "^tools/" },
      to: {
        path: [
          "^src/db/",
          "^src/slack/",
          "^src/agent/",
          "^src/cli/",
          "^src/main\\.ts$",
          "@prisma",
          "@slack",
          "@anthropic-ai",
        ],
      },
    },
    {
      name: "prisma-stays-in-db",
      comment: "Only src/db talks to Prisma; it maps rows to domain types at the boundary.",
      severity: "error",
      from: { pathNot: ["^src/db/"] },
      to: { path: ["^src/db/generated/", "^node_modules/@prisma/", "^node_modules/pglite-prisma-adapter/"] },
    },
    {
      name: "inner-layers-do-not-reach-out",
      comment: "engine, domain, ports, tools and agent never import the front ends or the composition root.",
      severity: "error",
      from: { path: ["^src/(engine|domain|ports|agent)/", "^tools/"] },
      to: { path: ["^src/(slack|cli)/", "^src/main\\.ts$"] },
    },
    {
      name: "front-ends-take-ports",
      comment:
        "src/slack and src/agent get stores through ports; only the composition root and the CLI wire src/db.",
      severity: "error",
      from: {
        path: [
          "^src/slack/",
          "^src/agent/",
          "^src/approval/",
          "^src/execution/",
          "^src/custodians/",
          "^src/market/",
        ],
      },
      to: { path: ["^src/db/"] },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // The generated Prisma client is a node (so imports of it are checked) but is not cruised.
    doNotFollow: { path: ["node_modules", "^src/db/generated/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
