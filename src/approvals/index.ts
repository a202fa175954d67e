/** The public entry of approvals/: what other folders may import. Everything else here is internal. */
export { APPROVE_ACTION_ID, DISMISS_ACTION_ID } from "./blocks";
export { handleApprovalClick } from "./click";
export type { ApprovalClick } from "./model";
export { approvalBlocksForAttempts } from "./offer";
export { retryApprovalBlocks } from "./retry-offer";
