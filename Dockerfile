# syntax=docker/dockerfile:1
# reelbot: multi-stage image. Build: TypeScript → dist/ (esbuild, scripts/build.mjs) with native modules (sqlite3, sharp)
# compiled or fetched for this platform. Run: production dependencies only, non-root, data in /data.
#   docker build -t reelbot .
#   docker run --env-file .env -v reelbot-data:/data -p 127.0.0.1:9464:9464 reelbot
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# sqlite3 falls back to node-gyp when no prebuilt binary matches; that needs these.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    STORE_URL=sqlite:///data/reelbot.sqlite \
    METRICS_PORT=9464 \
    METRICS_HOST=0.0.0.0
WORKDIR /app
# Code stays owned by root (read-only to the bot); only /data is the bot's to write.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 9464
# No curl in slim images: node's fetch asks /healthz (engine running, store answering).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: stop taking work, finish writes, exit within 10 s (give the container 15 s).
STOPSIGNAL SIGTERM
# Plain JavaScript (no compile at start), with the node flags of package.json's `start` script
# (test/app/docker-files.test.ts keeps the two the same). A 4 MiB young generation: the idle bot
# keeps ~20 MiB less resident. A 1 GiB old generation: below 2 GiB V8 lets the heap grow to at
# most ~1.6 times what a full GC keeps, not 4 times, so a busy bot stays near its live size
# (docs/operations.md, "Memory").
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=1024", "dist/main.js"]
