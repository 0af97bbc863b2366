import { createRequire } from "node:module";
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const { version } = createRequire(import.meta.url)("svelte/package.json");
// The Svelte version, for the page's heading (svelte/compiler's VERSION would bundle the compiler).
export default defineConfig({ plugins: [svelte()], define: { __SVELTE_VERSION__: JSON.stringify(version) } });
