/** Debugging aids for @kva/vmap (published as `@kva/vmap/debug`). */
export { alignUp, classifyFit } from "./free-space.js";
