# Production image: build with the dev toolchain, run with production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# swagger-ui-dist (a build-time dependency) pulls in @scarf/scarf, whose install script would send
# install telemetry; package.json's scarfSettings turns it off, and so does this.
ENV SCARF_ANALYTICS=false
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/views ./views
COPY --from=build /app/locales ./locales
# Where tor's Unix socket lives when the compose file's tor service runs beside the app.
RUN mkdir -p /run/offscript && chown node:node /run/offscript
USER node
EXPOSE 3000
CMD ["node", "dist/server/main.js"]
