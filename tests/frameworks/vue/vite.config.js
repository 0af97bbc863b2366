import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

// Vue must not try to resolve the Gatehouse tags as Vue components: they are custom elements.
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith("gatehouse-") } } })],
});
