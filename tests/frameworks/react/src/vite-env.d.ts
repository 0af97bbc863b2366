/// <reference types="vite/client" />
// Set by scripts/vite-app.sh at build time: the worker under test (GATEHOUSE_URL).
interface ImportMetaEnv {
  readonly VITE_GATEHOUSE_URL: string;
}
