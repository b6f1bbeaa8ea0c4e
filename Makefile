# Jointly: `make run` to try it, `make test` before every push.
GO        ?= go
GO_TAGS   := sqlite_fts5
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
export CGO_ENABLED := 1

.PHONY: build run test assets check-format vet gotest clean bench-discovery bench-digest

build: assets
	$(GO) build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o bin/jointly .

run: build
	bin/jointly migrate
	bin/jointly seed --demo
	bin/jointly serve

# gofmt, go vet, then every Go test with the race detector: models, the
# HTTP scenarios, the route × role walk, the OpenID Connect sign-in and the
# browser journeys in e2e/ (real Chromium driving bin/jointly, axe-core on
# every page).
test: build check-format vet gotest

check-format:
	@out="$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*'))"; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags '$(GO_TAGS)' ./...

gotest:
	JOINTLY_BIN=$(CURDIR)/bin/jointly $(GO) test -race -count=1 -tags '$(GO_TAGS)' ./...

# Discovery's routes at national scale (418 councils, 400,000 contracts)
# under 32 concurrent clients: writes bench/DISCOVERY.md. About five
# minutes; not part of `make test`.
bench-discovery:
	bench/run-discovery.sh

# The digest for 20,000 people at national scale, delivered over SMTP to a
# local sink: writes bench/DIGEST.md with wall clock and peak memory.
bench-digest:
	bench/run-digest.sh

# Front-end assets: GOV.UK Frontend (pinned in package-lock.json) compiled
# with Jointly's own Sass, embedded in the binary by assets/assets.go.
assets: assets/dist/app.css assets/dist/govuk-frontend.js

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets/dist/app.css: node_modules/.package-lock.json $(wildcard assets/scss/*.scss)
	npx sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules assets/scss/app.scss $@

assets/dist/govuk-frontend.js: node_modules/.package-lock.json
	cp node_modules/govuk-frontend/dist/govuk/all.bundle.js $@

clean:
	rm -rf bin assets/dist/*.css assets/dist/*.js
