# syntax=docker/dockerfile:1.7
# Images of the four processes, one target each, built from the repository root:
#   docker build --target web -t reputation-manager-web .          (likewise relay, worker, simulator)
#   docker build --target web-dev -t reputation-manager-web:dev .  (the Tilt loop's development image)
# The targets share the dependency layer and differ only in what they build and run.
# packages/ops/test/images.test.ts runs the same build steps and commands without Docker.

FROM node:24-bookworm-slim AS deps
RUN npm install -g pnpm@10.34.9 --no-audit --no-fund --loglevel=error
WORKDIR /src
# Manifests first: the dependency layer is reused while only sources change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/web/package.json apps/web/
COPY apps/relay/package.json apps/relay/
COPY apps/worker/package.json apps/worker/
COPY apps/simulator/package.json apps/simulator/
COPY packages/ packages/
RUN pnpm install --frozen-lockfile --reporter=append-only
COPY . .

# Development images for the Tilt loop (<app>-dev): TypeScript run natively from the workspace with
# --watch; Tilt syncs changed sources in. Never used in production.
FROM deps AS dev
ENV NODE_ENV=development
RUN chown -R 10001:10001 /src
USER 10001:10001

FROM dev AS web-dev
WORKDIR /src/apps/web
CMD ["node", "--watch", "server.ts"]

FROM dev AS relay-dev
WORKDIR /src/apps/relay
CMD ["node", "--watch", "src/main.ts"]

FROM dev AS worker-dev
WORKDIR /src/apps/worker
CMD ["node", "--watch", "src/main.ts"]

FROM dev AS simulator-dev
WORKDIR /src/apps/simulator
CMD ["node", "--watch", "src/main.ts"]

# Production: each app bundled (workspace TypeScript → one JavaScript file) with its production
# dependencies deployed into /out (pnpm deploy --prod, hoisted), copied onto a bare Node image.
FROM deps AS web-build
RUN node packages/ops/src/build-app.ts web /out

FROM deps AS relay-build
RUN node packages/ops/src/build-app.ts relay /out

FROM deps AS worker-build
RUN node packages/ops/src/build-app.ts worker /out

FROM deps AS simulator-build
RUN node packages/ops/src/build-app.ts simulator /out

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Numeric non-root user (Kubernetes runAsNonRoot checks the number); the files stay root-owned and read-only.
USER 10001:10001

FROM runtime AS web
COPY --from=web-build /out /app
EXPOSE 3000 9464
# The migrations Job runs this same image with `node migrate.js` (compiled migrations, no TS loader).
CMD ["node", "server.js"]

FROM runtime AS relay
COPY --from=relay-build /out /app
EXPOSE 9464
CMD ["node", "dist/main.js"]

FROM runtime AS worker
COPY --from=worker-build /out /app
EXPOSE 9464
CMD ["node", "dist/main.js"]

# The simulator runs in development and test clusters only.
FROM runtime AS simulator
COPY --from=simulator-build /out /app
EXPOSE 4010
CMD ["node", "dist/main.js"]
