// A React 19 app that uses @gatehouse/web the way docs/react-vite.md shows: init() once at module
// level, the element in JSX with its typed attributes and `ongatehouse-success`, the session set
// once the portal has one. The Chromium test (tests/e2e/browser/react-app.test.mjs) picks a case
// through sessionStorage["gatehouse-case"]:
//   (none)   sign in first, then the widget is rendered with its session
//   late     the widget is mounted before sign-in; the session arrives afterwards (property)
//   move     popup mode; the widget moves between two containers (a reparented portal: the same
//            element, disconnected and connected again) while it waits for the popup
//   expired  the saved session has expired; `fetchSession` gets a fresh one from the "backend"
import { createRoot } from "react-dom/client";
import { version } from "react";
import init from "@gatehouse/web";
import { App } from "./App";

const ready = init(); // once per page: loads the wasm and registers the elements
await ready;
createRoot(document.getElementById("root")!).render(<App framework={`React ${version}`} />);
