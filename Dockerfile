# syntax=docker/dockerfile:1
# Build stage: install production dependencies with the lockfile.
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime: Node 22 runs the TypeScript sources directly (type stripping), as a non-root user.
FROM node:22-slim
ENV NODE_ENV=production
# The heap the bridge is measured with (bench/results.md: under 200 MiB resident per process; the live heap stays
# near 45 MiB). The same flags as `npm start`; raise them here or in compose's environment if a deployment needs more.
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4"
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY bin ./bin
# The sample ConductorOne payloads: `c1-ticket-bridge preview` and `sign-test-webhook` read them.
COPY test/fixtures/conductorone ./test/fixtures/conductorone
USER node
EXPOSE 8080
CMD ["node", "src/main.ts"]
