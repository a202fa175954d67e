import type { z } from "zod";
import type { ToolContext } from "../contracts";

/** What a tool hands back: JSON for the model or the MCP client, and whether it is an error. */
export interface ToolResult {
  content: unknown;
  isError?: boolean;
}

/** One definition per tool, served to the reasoning loop and to MCP alike (DESIGN §5). */
export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  /** Every field `.describe()`d: the description is what the model and MCP clients read. */
  input: Input;
  mutating: boolean;
  /** MCP callers need this tool's name in their `caps` to call it. */
  requiresCapGate: boolean;
  run(input: z.infer<Input>, ctx: ToolContext): Promise<ToolResult>;
}

/** Keeps a definition's `run` typed by its own schema while storing it in one list. */
export function defineTool<Input extends z.ZodObject>(tool: ToolDefinition<Input>): ToolDefinition<Input> {
  return tool;
}
