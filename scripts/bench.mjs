// `npm run bench`: bundle size of the dry-run build, every figure from bench/*.bench.ts, the wake
// latency under `wrangler dev`, and the monthly cost estimate built from those figures.
// `npm run bench -- --readme` also writes the estimate into the README's deploy section.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const figures = [];

execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", "dist"], { stdio: "ignore" });
const bundle = readdirSync("dist").find((file) => file.endsWith(".js"));
const raw = readFileSync(join("dist", bundle));
figures.push({
  name: "bundle size (raw)",
  value: +(statSync(join("dist", bundle)).size / 1024).toFixed(1),
  unit: "KiB",
});
figures.push({
  name: "bundle size (gzip)",
  value: +(gzipSync(raw).length / 1024).toFixed(1),
  unit: "KiB",
  note: "Workers free plan limit 3 MiB, paid 10 MiB",
});

const writeReadme = process.argv.includes("--readme");
const vitestArgs = process.argv.slice(2).filter((arg) => arg !== "--readme");

const failures = [];
for (const config of ["vitest.bench-node.config.ts", "vitest.bench.config.ts", "vitest.bench-stack.config.ts"]) {
  const run = spawnSync("npx", ["vitest", "run", "--config", config, "--passWithNoTests", ...vitestArgs], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of `${run.stdout}\n${run.stderr}`.split("\n")) {
    const at = line.indexOf("kora_bench ");
    if (at >= 0) figures.push(JSON.parse(line.slice(at + "kora_bench ".length)));
  }
  if (run.status !== 0) failures.push(`${config}:\n${run.stdout.split("\n").slice(-40).join("\n")}`);
}

const width = Math.max(...figures.map((f) => f.name.length));
for (const f of figures) {
  console.log(`${f.name.padEnd(width)}  ${String(f.value).padStart(10)} ${f.unit}${f.note ? `  (${f.note})` : ""}`);
}
const { inputsFromFigures, renderEstimate } = await import("../bench/monthly-estimate.ts");
const { inputs, missing } = inputsFromFigures(figures);
console.log("\nA month of Kora on Cloudflare (bench/monthly-estimate.ts):\n");
if (missing.length > 0) {
  console.log(`not estimated: this run reported no ${missing.map((name) => `"${name}"`).join(", ")}`);
} else {
  const table = renderEstimate(inputs);
  console.log(table);
  if (writeReadme) {
    const readme = readFileSync("README.md", "utf8");
    const block = /(<!-- cost-estimate:start -->\n)[\s\S]*?(\n<!-- cost-estimate:end -->)/;
    if (!block.test(readme)) failures.push("README.md has no <!-- cost-estimate:start/end --> block to write into");
    else
      writeFileSync(
        "README.md",
        readme.replace(block, (_, start, end) => `${start}${table}${end}`),
      );
  }
}

if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
