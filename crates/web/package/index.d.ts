// The typings of the package entry (index.js): the client and the API types from the wasm-bindgen
// module, the SSR-safe `init()`, and the custom elements (elements.d.ts: tag-name map, JSX
// intrinsic elements, typed events). React 19's JSX: `import type {} from "@gatehouse/web/react"`.
/// <reference path="./elements.d.ts" />
import type { InitInput, InitOutput } from "./gatehouse_web.js";

export * from "./gatehouse_web.js";
export type {
  GatehouseOnboardingElement, GatehouseSsoButtonElement, GatehouseOnboardingEventMap,
  GatehouseSsoButtonEventMap, GatehouseStepDetail, GatehouseSuccessDetail, GatehouseExitDetail,
  GatehouseElementError, OnboardingMode, GatehouseOnboardingAttributes, GatehouseSsoButtonAttributes,
  GatehouseStrings, GatehouseConnectElement, GatehouseConnectEventMap, GatehouseConnectStepDetail,
  GatehouseConnectSuccessDetail, GatehouseConnectExitDetail, GatehouseConnectAttributes,
} from "./elements.js";

/**
 * Loads the package in a page: fetches `gatehouse_web_bg.wasm` next to the module (or
 * `module_or_path`), then registers `<gatehouse-sso-button>`, `<gatehouse-onboarding>` and
 * `<gatehouse-connect>`. Once per
 * page; later calls answer the same promise. Off the browser (no `document`: server-side
 * rendering) it does nothing and resolves to `undefined`.
 */
export default function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput | undefined>;
