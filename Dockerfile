# syntax=docker/dockerfile:1
#
# Jointly in a container: one binary, its SQLite database on the /data
# volume. Build and run (docs/OPERATIONS.md, "Docker"):
#
#   docker build --build-arg VERSION="$(git describe --tags --always --dirty)" -t jointly .
#   docker run -d --name jointly -p 127.0.0.1:8080:8080 -v jointly-data:/data \
#     --env-file /etc/jointly/jointly.env --stop-timeout 30 jointly
#
# The stages repeat `make build`: the Sass assets (npm ci, then sass), then
# go build with cgo (mattn/go-sqlite3) and the sqlite_fts5 tag. The build
# and final stages are both Debian bookworm, so the binary finds the glibc
# it was linked against.

# --- Front-end assets: GOV.UK Frontend and Jointly's Sass (Makefile: assets).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets/ assets/
RUN mkdir -p assets/dist \
 && npx sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
      assets/scss/app.scss assets/dist/app.css \
 && cp node_modules/govuk-frontend/dist/govuk/all.bundle.js assets/dist/govuk-frontend.js

# --- The binary (Makefile: build). The assets are embedded in it.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/assets/dist/ assets/dist/
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -tags sqlite_fts5 -trimpath \
      -ldflags "-X main.version=${VERSION}" -o /out/jointly .

# --- What runs: the binary, CA certificates (SMTP over TLS, sign-on
# providers) and curl for the health check; no compiler, no Node.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 jointly \
 && useradd --system --uid 10001 --gid jointly --home-dir /data --no-create-home --shell /usr/sbin/nologin jointly \
 && mkdir /data \
 && chown jointly:jointly /data \
 && chmod 0750 /data
COPY --from=build /out/jointly /usr/local/bin/jointly

# The database, and the outbox, uploads and backups folders beside it.
ENV JOINTLY_DB=/data/jointly.db \
    JOINTLY_ADDR=0.0.0.0:8080
VOLUME ["/data"]
WORKDIR /data
USER jointly:jointly
EXPOSE 8080

# serve stops gracefully on SIGTERM, within 20 seconds: give it 30
# (docker run --stop-timeout 30, or stop_grace_period in Compose).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:8080/healthz"]

ENTRYPOINT ["jointly"]
CMD ["serve"]
