// The packed @gatehouse/web in a fresh Svelte 5 + Vite app (tests/frameworks/svelte): the elements in markup
// with `{session}` and `ongatehouse-success`.
// Built by scripts/vite-app.sh (tier framework-apps), served by `vite preview` on SVELTE_APP_PORT.
import { test, after } from "node:test";
import { launchChromium, recordContext } from "../chromium.mjs";
import { connectAndOpenDashboard } from "./framework-apps.mjs";

const browser = await launchChromium(import.meta.url);
after(() => browser.close());

test("Svelte 5: the widget connects Square and the framework hears gatehouse-success; the SSO button opens the dashboard", async () => {
  const context = recordContext(await browser.newContext());
  await connectAndOpenDashboard(context, "svelte", /^Svelte 5\./);
  await context.close();
});
