// React 19's JSX for the elements: `import type {} from "@gatehouse/web/react"` once in the
// app (or list "@gatehouse/web/react" in tsconfig's `types`). React 19 passes a prop the element
// has as a property and anything else as an attribute, and adds a listener for `on<event name>`
// props (`ongatehouse-success`).
import type { CSSProperties, DetailedHTMLProps, HTMLAttributes } from "react";
import type {
  GatehouseOnboardingElement, GatehouseSsoButtonElement, GatehouseOnboardingAttributes,
  GatehouseSsoButtonAttributes, GatehouseStepDetail, GatehouseSuccessDetail, GatehouseExitDetail,
  GatehouseElementError, OnboardingMode, GatehouseStrings, GatehouseConnectElement,
  GatehouseConnectAttributes, GatehouseConnectStepDetail, GatehouseConnectSuccessDetail,
  GatehouseConnectExitDetail,
} from "./elements.js";

/** The elements' CSS custom properties (`--gatehouse-accent`, …) next to React's own. */
type Style = CSSProperties & { [custom: `--${string}`]: string | number | undefined };
type Base<E> = Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, "style"> & { style?: Style; class?: string };

export type GatehouseOnboardingProps = Base<GatehouseOnboardingElement> & GatehouseOnboardingAttributes & {
  /** Set as properties (React 19 sets props the element has as properties). */
  returnPage?: string;
  sessionToken?: string;
  fetchSession?: (() => Promise<string>) | null;
  strings?: GatehouseStrings | null;
  mode?: OnboardingMode;
  "ongatehouse-event"?: (event: CustomEvent<GatehouseStepDetail>) => void;
  "ongatehouse-success"?: (event: CustomEvent<GatehouseSuccessDetail>) => void;
  "ongatehouse-exit"?: (event: CustomEvent<GatehouseExitDetail>) => void;
};

export type GatehouseConnectProps = Base<GatehouseConnectElement> & GatehouseConnectAttributes & {
  /** Set as properties. */
  sessionToken?: string;
  fetchSession?: (() => Promise<string>) | null;
  strings?: GatehouseStrings | null;
  "ongatehouse-event"?: (event: CustomEvent<GatehouseConnectStepDetail>) => void;
  "ongatehouse-success"?: (event: CustomEvent<GatehouseConnectSuccessDetail>) => void;
  "ongatehouse-exit"?: (event: CustomEvent<GatehouseConnectExitDetail>) => void;
};

export type GatehouseSsoButtonProps = Base<GatehouseSsoButtonElement> & GatehouseSsoButtonAttributes & {
  sessionToken?: string;
  "ongatehouse-sso-start"?: (event: CustomEvent<null>) => void;
  "ongatehouse-sso-error"?: (event: CustomEvent<GatehouseElementError>) => void;
};

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "gatehouse-onboarding": GatehouseOnboardingProps;
      "gatehouse-connect": GatehouseConnectProps;
      "gatehouse-sso-button": GatehouseSsoButtonProps;
    }
  }
}
