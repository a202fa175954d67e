/** `(line) => string | null`: what `npm run dev` prints of one line of wrangler's output, or null. */
export function createDevOutputFilter(): (line: string) => string | null;
