// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- vitest types for `test` (docs/toolchain.md)
/// <reference types="vitest/config" />
// Remix (Vite) build of the web app, and the vitest project "web".
// The Remix plugin is off under vitest: tests start the real server (server.ts) as a child process.
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vitest/config";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Server-side packages Node loads itself at run time instead of Vite bundling them:
// - @mikro-orm/* keeps the server build small (docs/toolchain.md);
// - the workspace packages ship TypeScript source (Node 24 strips types) and have dependencies of
//   their own (pino, @node-rs/argon2's native addon, ioredis…) that only resolve from the package's
//   own folder. Vite never externalizes a package whose entry is not .js (ssr.external alone
//   leaves @rm/* bundled), so the SSR build also lists them as Rollup externals.
const serverExternal = [
  "@mikro-orm/core",
  "@mikro-orm/postgresql",
  "@mikro-orm/migrations",
  "@rm/accounts",
  "@rm/ai",
  "@rm/api",
  "@rm/catalogue",
  "@rm/config",
  "@rm/db",
  "@rm/domain",
  "@rm/streams",
  "@rm/stripe-billing",
  "@rm/telemetry",
  "@rm/twilio",
];

const isServerExternal = (id: string) => serverExternal.some((name) => id === name || id.startsWith(`${name}/`));

// The dev server (`npm run dev`) pre-bundles these at start. A dependency Vite meets only when a
// page first loads is optimized then, and Vite reloads every open tab, wiping what was typed. Vite
// sees them in the client modules (route modules and what they import from the workspace packages,
// e.g. @rm/domain's phone, date and segment rules) and in the route files it reads for the route
// manifest (imports used only by loaders and actions). Remix's plugin already lists React and
// @remix-run/react. A new dependency imported by a page belongs here: the dev server logs
// "new dependencies optimized" when one is missing, and test/dev-server.test.ts fails.
const clientDeps = [
  "@remix-run/node",
  "remix-auth",
  "remix-auth-form",
  "zod",
  "@mikro-orm/core",
  // Dependencies of @rm/domain, resolved from there.
  "@rm/domain > luxon",
  "@rm/domain > libphonenumber-js/max",
  "@rm/domain > sms-segments-calculator",
  // Reached through @rm/messaging's entry (the worker's status applier) by the public pages' loaders.
  "@rm/messaging > pg",
  // The message catalogue's formatter, resolved from @rm/catalogue.
  "@rm/catalogue > intl-messageformat",
  // The .xlsx reader, reached through @rm/importer by the upload page's action and the sample file.
  "@rm/importer > exceljs",
];

export default defineConfig(({ isSsrBuild }) => ({
  plugins: process.env.VITEST
    ? []
    : [
        remix({
          ignoredRouteFiles: ["**/*.server.*", "**/*.test.*", "**/.*"],
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_singleFetch: true,
            v3_lazyRouteDiscovery: true,
          },
        }),
      ],
  ssr: { external: serverExternal },
  optimizeDeps: { include: clientDeps },
  // Where the dev server keeps pre-bundled dependencies (default node_modules/.vite); the dev-server
  // test starts from an empty one of its own.
  ...(process.env.VITE_CACHE_DIR ? { cacheDir: process.env.VITE_CACHE_DIR } : {}),
  build: {
    target: "es2022",
    rollupOptions: isSsrBuild ? { external: isServerExternal } : {},
  },
  server: { hmr: { overlay: true } },
  test: {
    name: "web",
    environment: "node",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    // Each test file starts real server processes; keep files from competing for 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
}));
