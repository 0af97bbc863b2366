import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import type { GatehouseSuccessDetail, OnboardingView } from "@gatehouse/web";
import type {} from "@gatehouse/web/react";

// The worker under test (scripts/vite-app.sh builds with VITE_GATEHOUSE_URL = GATEHOUSE_URL).
const WORKER: string = import.meta.env.VITE_GATEHOUSE_URL;
const CASE = sessionStorage.getItem("gatehouse-case") ?? "";
const RETURN_PAGE = `${location.origin}/onboarding`;

/** Stands in for the portal's backend: a fresh session for its signed-in user. */
let sessionCalls = 0;
async function backendSession(): Promise<string> {
  sessionCalls += 1;
  document.body.dataset.sessionCalls = String(sessionCalls);
  const r = await fetch(`${WORKER}/api/dev/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user: "tony" }),
  });
  const { session } = (await r.json()) as { session: string };
  sessionStorage.setItem("gatehouse-session", session);
  return session;
}

/** As docs/react-vite.md: the element in JSX; React 19 passes `session` on whenever it changes. */
function Connect({ session, onConnected }: { session: string | null; onConnected: (o: OnboardingView) => void }) {
  return (
    <gatehouse-onboarding
      gatehouse={WORKER}
      session={session ?? undefined}
      sources="square:pos:Square,ubereats:dsp:Uber Eats"
      return-page={RETURN_PAGE}
      mode={CASE === "move" ? "popup" : "redirect"}
      fetchSession={CASE === "expired" ? backendSession : undefined}
      style={{ "--gatehouse-accent": "#0a7d4f" }}
      ongatehouse-success={(e: CustomEvent<GatehouseSuccessDetail>) => onConnected(e.detail.onboarding)}
    />
  );
}

/** Renders its children into one element that is moved between containers (same DOM node). */
function Movable({ where, children }: { where: "main" | "aside"; children: React.ReactNode }) {
  const [host] = useState(() => document.createElement("div"));
  const main = useRef<HTMLDivElement>(null);
  const aside = useRef<HTMLDivElement>(null);
  useEffect(() => {
    (where === "main" ? main : aside).current!.append(host);
  }, [where, host]);
  return (
    <div style={{ display: "flex", gap: "1rem" }}>
      <div id="main-slot" ref={main} style={{ flex: 2 }} />
      <div id="aside-slot" ref={aside} style={{ flex: 1 }} />
      {createPortal(children, host)}
    </div>
  );
}

export function App({ framework }: { framework: string }) {
  const [session, setSession] = useState<string | null>(() => sessionStorage.getItem("gatehouse-session"));
  const [connected, setConnected] = useState<OnboardingView | null>(null);
  const [where, setWhere] = useState<"main" | "aside">("main");
  const signIn = async () => setSession(await backendSession());
  const widget = <Connect session={session} onConnected={setConnected} />;
  const mountedBeforeSession = CASE === "late" || CASE === "expired";
  return (
    <main>
      <h1 id="framework">{framework}</h1>
      {!session && <button id="sign-in" onClick={signIn}>Sign in</button>}
      {CASE === "move" && <button id="move" onClick={() => setWhere(where === "main" ? "aside" : "main")}>Move</button>}
      {connected && <p id="connected">{connected.status} {connected.id}</p>}
      {CASE === "move" ? session && <Movable where={where}>{widget}</Movable> : (session || mountedBeforeSession) && widget}
      {session && <gatehouse-sso-button gatehouse={WORKER} session={session}>Open dashboard</gatehouse-sso-button>}
    </main>
  );
}
