# podroute node agent image. Build: docker build -t podroute/podroute:0.1.0 .
#
# Two stages: the build stage compiles TypeScript with the dev dependencies; the runtime stage
# gets production dependencies only (`npm ci --omit=dev`, exactly the lockfile) and the built
# dist/. The base is pinned to a Node 20 release on Debian 12 (bookworm), matching
# package.json's engines and the Debian the tests run on.
#
# It runs as root: a network agent must hold NET_ADMIN/NET_RAW effectively, and Kubernetes gives
# added capabilities to a non-root user only in the bounding set (no ambient capabilities), so a
# non-root agent could not change routes, iptables, ipsets or IPVS. deploy/daemonset.yaml keeps
# it unprivileged and drops every other capability.

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY test/harness ./test/harness
RUN npm run build

FROM node:20.19.5-bookworm-slim
# The tools the agent and its init container run: ip (links, VIPs), iptables (both backends:
# iptables-nft and iptables-legacy), ipset, ipvsadm (operators' inspection of IPVS), kmod
# (modprobe for the IPVS modules in the init container).
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 iptables ipset ipvsadm kmod \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/podroute
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
# The dashboard's static files (src/observe/packageRoot.ts finds them next to package.json).
COPY web ./web
ENTRYPOINT ["node", "/opt/podroute/bin/podroute.js"]
CMD ["agent", "--help"]
