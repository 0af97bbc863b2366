// The package's typings as a consumer sees them, checked by `tsc --noEmit` (scripts/vite-app.sh);
// nothing here runs. Each `@ts-expect-error` is a mistake the typings must catch: were the types
// loose (any), tsc would fail on the unused directive.
import init, { GatehouseClient } from "@gatehouse/web";
import type { GatehouseOnboardingElement, GatehouseSsoButtonElement, OnboardingView, GatehouseExitDetail } from "@gatehouse/web";
import type {} from "@gatehouse/web/react";

export async function typedUsage(worker: string, session: string): Promise<void> {
  const loaded = await init(); // undefined off the browser
  if (loaded) loaded.memory.buffer.byteLength.toFixed();

  // HTMLElementTagNameMap: createElement and querySelector know the elements.
  const widget: GatehouseOnboardingElement = document.createElement("gatehouse-onboarding");
  widget.gatehouse = worker;
  widget.sessionToken = session;
  widget.returnPage = `${location.origin}/onboarding`;
  widget.mode = "popup";
  widget.fetchSession = async () => session;
  widget.locale = "fr";
  widget.strings = { choose: "Choisissez", locations: { one: "{n} site", other: "{n} sites" } };
  const current: string = widget.session; // live inputs read back as strings
  console.log(current, widget.sources.split(","));
  widget.returnPage = null; // removes the attribute
  // @ts-expect-error: not a mode
  widget.mode = "tab";
  const sso: GatehouseSsoButtonElement | null = document.querySelector("gatehouse-sso-button");
  sso?.addEventListener("gatehouse-sso-start", (e) => e.preventDefault());

  // Typed event maps: the detail of each event.
  widget.addEventListener("gatehouse-success", (e) => {
    const onboarding: OnboardingView = e.detail.onboarding;
    console.log(onboarding.status, onboarding.id);
    // @ts-expect-error: a success carries the onboarding, not an error
    console.log(e.detail.error);
  });
  widget.addEventListener("gatehouse-exit", (e) => {
    const d: GatehouseExitDetail = e.detail;
    if (d.reason === "error") console.log(d.error.code, d.error.retryable, d.onboarding);
  });
  widget.addEventListener("gatehouse-event", (e) => {
    if (e.detail.name === "status") console.log(e.detail.onboarding);
  });
  // Bubbling events are typed on any element too.
  document.body.addEventListener("gatehouse-success", (e) => console.log(e.detail.onboarding.id));

  const client = new GatehouseClient(worker, session);
  const started = await client.startOnboarding("square", "pos");
  console.log(started.entry_url);
}

// React 19 JSX: the intrinsic elements and their attribute types.
export function Elements({ worker }: { worker: string }) {
  return (
    <>
      <gatehouse-onboarding gatehouse={worker} sources="square:pos" mode="redirect" return-page="https://portal.example/connect"
        ongatehouse-exit={(e) => console.log(e.detail.reason)} style={{ "--gatehouse-radius": "4px", color: "red" }} />
      {/* @ts-expect-error: mode is redirect or popup */}
      <gatehouse-onboarding mode="tab" />
      <gatehouse-sso-button gatehouse={worker} target="_blank" ongatehouse-sso-error={(e) => console.log(e.detail.code)}>
        Open dashboard
      </gatehouse-sso-button>
    </>
  );
}
