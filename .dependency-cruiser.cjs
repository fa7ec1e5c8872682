// The layer rules of the tree (docs/architecture.md), checked by dependency-cruiser over the
// TypeScript sources, type-only imports included: `npm run lint:layers`, and the unit test
// test/unit/architecture.test.ts. A layer may import only the layers listed for it.

/** Every top-level folder of the project's code; imports into anything else (node_modules, node:) are not judged here. */
const PROJECT = ["core", "history", "spec", "workloads", "checkers", "net", "nemesis", "targets", "report", "harness", "bundled-server", "bench", "test", "scripts"];

/** layer -> the layers it may import besides itself. harness, bench, test and scripts may import anything. */
const ALLOWED = {
  core: [],
  history: ["core"],
  checkers: ["core", "history"],
  workloads: ["core", "history"],
  net: ["core"],
  nemesis: ["core", "net", "history"],
  // The spec names bug switches of the bundled server, so it may read that one module.
  spec: ["core", "history", "workloads", "checkers", "nemesis", "targets", "bundled-server/bugs\\.ts$"],
  targets: ["core", "net", "history"],
  report: ["core", "history", "checkers"],
  // The bundled server is a program of its own: a Redis imitation that knows nothing of the harness.
  "bundled-server": [],
};

const layerRules = Object.entries(ALLOWED).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ may import only ${allowed.length ? allowed.join(", ") : "itself"}`,
  severity: "error",
  from: { path: `^${layer}/` },
  to: {
    path: `^(${PROJECT.join("|")})/`,
    pathNot: `^(${[layer, ...allowed].map((a) => (a.includes("/") ? a : `${a}/`)).join("|")})`,
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    { name: "no-circular", comment: "no import cycles, type-only imports included", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
