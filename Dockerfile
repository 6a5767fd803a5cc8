# syntax=docker/dockerfile:1
# Build stage: install production dependencies with the lockfile.
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime: Node 22 runs the TypeScript sources directly (type stripping), as a non-root user.
FROM node:22-slim
# Production: a missing config stops start-up (never the sandbox).
ENV NODE_ENV=production
# The same flags as `npm start`: outbound calls honour HTTPS_PROXY / NO_PROXY, and the heap the bridge is measured
# with (bench/results.md: under 200 MiB resident per process; the live heap stays near 45 MiB). They come first in
# NODE_OPTIONS and an operator's NODE_OPTIONS after them (see CMD), so options added in compose keep these, and a
# --max-old-space-size given there wins (Node keeps a flag's last value).
ENV BRIDGE_NODE_FLAGS="--use-env-proxy --disable-warning=UNDICI-EHPA --max-old-space-size=128 --max-semi-space-size=4"
# A company CA bundle: mount it and set NODE_EXTRA_CA_CERTS to its path (docker-compose.yml shows where).
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY bin ./bin
# The sample ConductorOne payloads: `c1-ticket-bridge preview` and `sign-test-webhook` read them.
COPY test/fixtures/conductorone ./test/fixtures/conductorone
# C1's OpenAPI: the sandbox's fake ConductorOne checks approval callbacks against it.
COPY test/fixtures/conductorone-openapi-subset.json ./test/fixtures/
USER node
EXPOSE 8080
CMD ["sh", "-c", "NODE_OPTIONS=\"$BRIDGE_NODE_FLAGS ${NODE_OPTIONS:-}\" exec node src/main.ts"]
