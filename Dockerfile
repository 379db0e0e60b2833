# The NPY Studio server alone (no Electron), listening on 0.0.0.0:8000 with its data on a volume.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir /data && chown node:node /data
VOLUME /data
EXPOSE 8000
USER node
# 401 counts as healthy: the server answered, and the probe has no token (every route requires one here).
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8000/health').then(r => process.exit(r.ok || r.status === 401 ? 0 : 1), () => process.exit(1))"
# Bound to every interface, the server requires a token: pass NPY_STUDIO_TOKEN, or read the generated one from the log.
CMD ["node", "dist/server/cli.js", "--host", "0.0.0.0", "--port", "8000", "--data-dir", "/data"]
