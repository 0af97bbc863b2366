// @gatehouse/web bundled by webpack 5: init() loads the wasm webpack emitted, then the elements are
// registered. GATEHOUSE_URL is set at build time (build.mjs).
import init, { GatehouseClient } from "@gatehouse/web";

const wasm = await init();
const widget = document.createElement("gatehouse-onboarding");
widget.setAttribute("gatehouse", GATEHOUSE_URL);
widget.setAttribute("sources", "square:pos:Square,ubereats:dsp:Uber Eats");
document.getElementById("app").append(widget);
document.getElementById("loaded").textContent =
  `loaded: ${wasm.memory instanceof WebAssembly.Memory} ${typeof GatehouseClient} ${customElements.get("gatehouse-sso-button") ? "elements" : ""}`;
