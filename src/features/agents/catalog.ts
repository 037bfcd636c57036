// The scope vocabulary and tool catalog are defined once, beside the Edge Functions that enforce
// them (pure modules); this file is the feature's one door to them.
export { SCOPES, SCOPE_LABELS, scopeSchema, type Scope } from "@contracts/scopes.ts";
export {
  TOOL_CATALOG,
  isToolName,
  toolByName,
  type ToolArguments,
  type ToolName,
} from "@contracts/tool-catalog.ts";
