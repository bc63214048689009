# signal-client with the Qualys connector, as a long-running service.
#   docker compose up -d        (see docker-compose.yml and the README's "Run as a service")
# The build stage runs the same scripts/install-production.sh that the production-install test runs in CI.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY scripts ./scripts
COPY packages ./packages
RUN npm ci --no-audit --no-fund \
    && npm run build \
    && bash scripts/install-production.sh /app \
    && rm -rf /app/.packs

FROM node:24-bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data /config \
    && chown node:node /data \
    && chmod 0700 /data
COPY --from=build /app /app
ENV NODE_ENV=production \
    LOG_FORMAT=text
USER node
WORKDIR /data
VOLUME /data
# The admin listener (console, API, /healthz, /metrics); the config must listen on 0.0.0.0:9464 in the container.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini forwards SIGTERM to the runtime, which stops at a batch boundary, commits and exits 0.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/node_modules/@signal-connectors/host-runtime/bin/signal-client.js"]
CMD ["run", "--config", "/config/signal-client.yaml"]
