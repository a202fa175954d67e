// Slack Block Kit as plain terminal text, for the demo and `npm run dev`.

export const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
export const dim = (text) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);

/** Block Kit as plain terminal text: headers bold, context dim, buttons in brackets. */
export function printBlocks(blocks, fallbackText) {
  const lines = [];
  for (const block of blocks ?? []) {
    if (block.type === "header") lines.push(bold(block.text.text));
    else if (block.type === "section") {
      if (block.text) lines.push(block.text.text);
      for (const field of block.fields ?? []) lines.push(field.text);
    } else if (block.type === "context") lines.push(dim(block.elements.map((e) => e.text ?? "").join("  ")));
    else if (block.type === "actions")
      lines.push(block.elements.map((e) => `[ ${e.text?.text ?? e.action_id} ]`).join("  "));
    else if (block.type === "divider") lines.push(dim("────"));
    else if (block.type === "markdown" || block.type === "rich_text") lines.push(block.text ?? JSON.stringify(block));
  }
  console.log((lines.length ? lines : [fallbackText]).join("\n"));
}

/** Prints a DM as the fake Slack received it (`slack-web-api-client` posts form bodies). */
export function printDmRequest(request) {
  const form = new URLSearchParams(request.body);
  let blocks = [];
  try {
    blocks = JSON.parse(form.get("blocks") ?? "[]");
  } catch {
    // text only
  }
  const method = request.path.split("/").at(-1);
  console.log(`\n${bold(`── Slack ${method} to ${form.get("channel") ?? "?"} ─────────────────────────`)}`);
  printBlocks(blocks, form.get("text") ?? "");
}
