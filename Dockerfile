# Baton over Streamable HTTP in a container. The workspace is a volume at /workspace; the server
# listens on 0.0.0.0:7766 inside the container and refuses to start without BATON_TOKEN, since
# anything that can reach the port could otherwise drive it.
#   docker build -t baton-mcp .
#   docker run --rm -p 7766:7766 -e BATON_TOKEN="$(openssl rand -hex 32)" -v "$PWD:/workspace" baton-mcp
# Clients connect to http://localhost:7766/mcp with "Authorization: Bearer <token>". Publish the
# port under the same number (-p 7766:7766): the server checks the Host header, port included.

FROM node:22-bookworm AS build
WORKDIR /app
# Compilers for better-sqlite3 come with this image; everything else comes from the npm registry.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY roles ./roles
COPY workflows ./workflows
COPY templates ./templates
COPY examples ./examples
# `npm ci` builds dist/ (the `prepare` script); then only what the server needs at run time stays.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    BATON_WORKSPACE=/workspace
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/roles ./roles
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/templates ./templates
COPY --from=build /app/examples ./examples
COPY LICENSE README.md ./
RUN mkdir -p /workspace && chown node:node /workspace
VOLUME /workspace
EXPOSE 7766
USER node
ENTRYPOINT ["/bin/sh", "-c", "if [ -z \"$BATON_TOKEN\" ]; then echo 'baton: set BATON_TOKEN (docker run -e BATON_TOKEN=...): the container serves on 0.0.0.0 and requires a bearer token' >&2; exit 1; fi; exec node /app/dist/cli.js \"$@\"", "baton"]
CMD ["serve", "--http", "--host", "0.0.0.0", "--port", "7766"]
