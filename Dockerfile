# syntax=docker/dockerfile:1
# Build stage: install production dependencies with the lockfile.
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime: Node 22 runs the TypeScript sources directly (type stripping), as a non-root user.
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY bin ./bin
USER node
EXPOSE 8080
CMD ["node", "src/main.ts"]
