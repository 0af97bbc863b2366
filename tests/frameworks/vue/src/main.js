// A Vue 3 app using @gatehouse/web: init() before mounting, the elements in the template
// (vite.config.js tells Vue they are custom elements), `@gatehouse-success` handled by Vue.
import { createApp, version } from "vue";
import init from "@gatehouse/web";
import App from "./App.vue";

await init();
createApp(App, { framework: `Vue ${version}` }).mount("#app");
