/** Debugging aids for @kva/kernel (published as `@kva/kernel/debug`). */
export { VmapBlocks, type VmapBlock, type VmapBlockHooks } from "./vmap-blocks.js";
