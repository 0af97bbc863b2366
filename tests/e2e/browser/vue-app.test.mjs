// The packed @gatehouse/web in a fresh Vue 3 + Vite app (tests/frameworks/vue): the elements declared with
// `isCustomElement`, attributes bound with `:session`, and `@gatehouse-success` in a template.
// Built by scripts/vite-app.sh (tier framework-apps), served by `vite preview` on VUE_APP_PORT.
import { test, after } from "node:test";
import { launchChromium, recordContext } from "../chromium.mjs";
import { connectAndOpenDashboard } from "./framework-apps.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());

test("Vue 3: the widget connects Square and the framework hears gatehouse-success; the SSO button opens the dashboard", async () => {
  const context = recordContext(await browser.newContext());
  await connectAndOpenDashboard(context, "vue", /^Vue 3\./);
  await context.close();
});
