# Switchboard: built in one stage, run from the built artefact (dist/, package.json,
# package-lock.json) with production dependencies only in the next. The runtime stage's commands are
# the ones test/deploy/production-install.test.ts runs in CI (it checks this file word for word):
# no Docker daemon is needed to know they work. See docs/deploy.md.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/package-lock.json ./package-lock.json
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=node:node /app/dist ./dist
# The image's own unprivileged user: the server needs no root, and writes nowhere but /tmp.
USER node
EXPOSE 3000
# Ready means the store answers (GET /readyz); Node's own fetch, so the slim image needs no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM from `docker stop` closes connections cleanly (server/main.ts); node runs as PID 1 directly.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
