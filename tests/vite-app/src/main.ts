// A partner's app built with Vite, importing the packed @gatehouse/web the way any npm user
// would. The session comes from the worker's development-only route here; a real portal gets
// it from its own backend (README: "Portal sessions and white-label SSO").
import init, { GatehouseClient, GatehouseError } from "@gatehouse/web";
import type { OnboardingView, WatchEvent, LocationsResponse, ErrorCode } from "@gatehouse/web";

// The worker under test: scripts/vite-app.sh builds with VITE_GATEHOUSE_URL set to GATEHOUSE_URL
// (scripts/ports.sh); a real app would name its Gatehouse deployment here.
const WORKER: string = import.meta.env.VITE_GATEHOUSE_URL;
if (!WORKER) throw new Error("built without VITE_GATEHOUSE_URL (scripts/vite-app.sh sets it)");
type WithSession = HTMLElement & { sessionToken?: string };

/** The typed client API, checked by `tsc --noEmit` (not called by the test page). */
export async function typedUsage(session: string): Promise<OnboardingView> {
  const client = new GatehouseClient(WORKER, session);
  client.fetchSession = async () => (await fetch("/portal/session")).text();
  client.session = session;
  const started = await client.startOnboarding("square", "pos").catch((e: unknown) => {
    // The union of the worker's codes: a misspelt code does not compile.
    if (e instanceof GatehouseError && e.code === "forbidden_role") console.log(e.requestId, e.status, e.retryable);
    const code: ErrorCode | "network_error" | "unexpected_response" = (e as GatehouseError).code;
    throw new Error(code);
  });
  const handle = client.watchOnboarding(started.onboarding.id, (e: WatchEvent) => {
    if (e.type === "status") console.log(e.onboarding.status);
    else console.log(e.error.code, e.retryInMs);
  });
  handle.stop();
  const locations: LocationsResponse = await client.organizationLocations();
  console.log(locations.locations.map((l) => l.type));
  return client.onboardingStatus(started.onboarding.id);
}

// In the order docs/react-vite.md has it (what React does): the elements are inserted with their
// attributes first, and the session arrives later, in an effect that runs after the paint — also
// when the page is the return page, so the widget holds the returned onboarding until then.
async function mount(session: string) {
  const app = document.getElementById("app")!;
  const widget = document.createElement("gatehouse-onboarding") as WithSession;
  widget.setAttribute("gatehouse", WORKER);
  widget.setAttribute("sources", "square:pos:Square");
  widget.setAttribute("return-page", `${location.origin}/onboarding`);
  const sso = document.createElement("gatehouse-sso-button") as WithSession;
  sso.setAttribute("gatehouse", WORKER);
  sso.textContent = "Open dashboard";
  app.replaceChildren(widget, sso);
  await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 50)));
  widget.sessionToken = session;
  sso.sessionToken = session;
}

await init();
const saved = sessionStorage.getItem("gatehouse-session");
if (saved) await mount(saved);
document.getElementById("sign-in")!.addEventListener("click", async () => {
  const r = await fetch(`${WORKER}/api/dev/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user: "tony" }),
  });
  const { session } = (await r.json()) as { session: string };
  sessionStorage.setItem("gatehouse-session", session);
  await mount(session);
});
