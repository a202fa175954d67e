/** The public entry of export/: what other folders may import. Everything else here is internal. */
export { dayOf, ExportDate, exportKeys } from "./day";
export { readManifest, type ExportManifest } from "./manifest";
export { exportAuditDay, runAuditExport } from "./run-export";
