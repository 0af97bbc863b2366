// A Svelte 5 app using @gatehouse/web: init() before mounting, the elements in markup,
// `ongatehouse-success` handled by Svelte.
import { mount } from "svelte";
import init from "@gatehouse/web";
import App from "./App.svelte";

await init();
mount(App, { target: document.getElementById("app"), props: { framework: `Svelte ${__SVELTE_VERSION__}` } });
