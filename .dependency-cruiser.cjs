/**
 * Imports run one way (docs/design.md, "Map"): entry points → capabilities → shared clients →
 * contracts. Each folder of src/ has a layer; a folder may import only folders of a lower layer
 * (never a sibling, never upward), so no two folders can depend on each other. A capability is
 * imported through its index.ts only: what is not exported there is its own business.
 * Checked by `npm run check` (npx depcruise src).
 */
const LAYERS = [
  ["config.ts"],
  ["contracts"],
  ["audit"],
  // Above audit: the outbound helper redacts a provider's text with audit's redactor before clipping it.
  ["outbound"],
  ["fly", "slack", "autonomy"],
  ["incidents"],
  ["export", "probes", "autofix"],
  ["approvals", "tools", "events"],
  ["reasoning", "mcp"],
  ["wake"],
  ["http", "cron.ts", "queue.ts"],
  ["index.ts"],
];
const CAPABILITIES = [
  "approvals",
  "autofix",
  "autonomy",
  "events",
  "export",
  "incidents",
  "mcp",
  "probes",
  "reasoning",
  "tools",
  "wake",
];
const ENTRY_POINTS = [...LAYERS.at(-2), ...LAYERS.at(-1)];

const folderPattern = (name) => (name.endsWith(".ts") ? `^src/${name.replace(".", "\\.")}$` : `^src/${name}/`);

const layerRules = LAYERS.flatMap((layer, rank) =>
  layer.map((name) => ({
    name: `layer-${name.replace(".ts", "")}`,
    comment: `src/${name} may import only folders of a lower layer: ${LAYERS.slice(0, rank).flat().join(", ") || "none"}`,
    severity: "error",
    from: { path: folderPattern(name) },
    to: {
      path: "^src/",
      pathNot: [folderPattern(name), ...LAYERS.slice(0, rank).flat().map(folderPattern)],
    },
  })),
);

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A module cycle means two pieces of code cannot be read, tested or changed apart.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "capability-through-index",
      comment: "Another folder's capability is imported through its index.ts, never its internal files.",
      severity: "error",
      from: { path: "^src/([^/]+)/" },
      to: {
        path: `^src/(${CAPABILITIES.join("|")})/`,
        pathNot: ["^src/$1/", "^src/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "no-importing-entry-points",
      comment: "Nothing but an entry point imports index.ts, cron.ts, queue.ts or http/.",
      severity: "error",
      from: { path: "^src/", pathNot: ENTRY_POINTS.map(folderPattern) },
      to: { path: ENTRY_POINTS.map(folderPattern) },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".json"] },
  },
};
