# Jointly: `make run` to try it, `make test` before every push.
GO        ?= go
GO_TAGS   := sqlite_fts5
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
export CGO_ENABLED := 1

.PHONY: build run test assets check-format vet gotest clean bench bench-discovery bench-digest bench-fault security vulncheck gosec fuzz

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

# Security checks, run by CI after `make test`: govulncheck (known
# vulnerabilities in the Go toolchain and modules Jointly calls) and gosec
# (the source). Both tools are pinned and fetched through the module proxy.
# Findings are fixed, or justified where they are, as
# `// #nosec G### -- reason`; no rule is switched off for the whole tree.
security: vulncheck gosec

# govulncheck v1.8.0: v1.9.0 needs an x/telemetry version the module proxy
# refuses here. It reads the vulnerability database at GOVULNDB (a mirror,
# or file:///path of a copy, for machines that cannot reach vuln.go.dev).
# A database that cannot be reached is reported and skipped, loudly, unless
# REQUIRE_VULNDB=1; any vulnerability found always fails.
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.8.0
GOVULNDB    ?= https://vuln.go.dev
vulncheck:
	@out="$$(mktemp)"; \
	if $(GO) run $(GOVULNCHECK) -db '$(GOVULNDB)' -tags '$(GO_TAGS)' ./... >"$$out" 2>&1; then \
		cat "$$out"; rm -f "$$out"; \
	elif grep -q 'fetching vulnerabilities' "$$out" && [ "$(REQUIRE_VULNDB)" != 1 ]; then \
		cat "$$out"; rm -f "$$out"; \
		echo "govulncheck: SKIPPED: the vulnerability database at $(GOVULNDB) cannot be reached from this machine."; \
		echo "govulncheck: run 'make vulncheck GOVULNDB=<reachable mirror or file:// copy>' where it can be."; \
	else \
		cat "$$out"; rm -f "$$out"; exit 1; \
	fi

# gosec v2.29.0 (v2.30.0 needs a module the proxy refuses here). Test files
# are not scanned (gosec's default). bench/ is left out: it holds the load,
# fault and benchmark harnesses, which are not part of bin/jointly, start
# the binary they test and write files where they are told, and drive only
# a server on loopback.
GOSEC := github.com/securego/gosec/v2/cmd/gosec@v2.29.0
gosec:
	$(GO) run $(GOSEC) -quiet -tags '$(GO_TAGS)' -exclude-dir=bench -exclude-dir=node_modules ./...
	@echo "gosec: no issues"

# Fuzz every importer, the Markdown renderer and the OCDS reader for
# FUZZTIME each, one target at a time (as go test requires): about a
# minute and a half in all. `go test` runs their seed corpora every time; a
# failure found here is written to testdata/fuzz/ in the package, to keep
# as a test. Minimising each new input is capped at 2s, so the short run
# explores. Go 1.26's fuzzing coordinator can fail a target with a bare
# "context deadline exceeded" as -fuzztime runs out (go.dev/issue/75804,
# fixed in Go 1.27): such a run, which wrote no failing input, is tried
# again, up to three times; anything else fails at once.
FUZZTIME ?= 6s
FUZZ_TARGETS := \
	models:FuzzReadContractsCSV models:FuzzReadContractsFinderCSV models:FuzzReadContractsXLSX \
	models:FuzzImportMappings models:FuzzParseImportValues models:FuzzReadOCDS \
	models:FuzzImportCouncils models:FuzzImportCouncilFiles \
	templates:FuzzRenderMarkdown templates:FuzzRenderWithGlossary
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg="$${t%%:*}"; name="$${t#*:}"; try=1; \
		while :; do \
			echo "fuzz: $$name (./$$pkg) for $(FUZZTIME)"; \
			out="$$(mktemp)"; \
			if $(GO) test -tags '$(GO_TAGS)' -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s "./$$pkg" >"$$out" 2>&1; then \
				cat "$$out"; rm -f "$$out"; break; \
			fi; \
			cat "$$out"; \
			if [ $$try -lt 3 ] && grep -q 'context deadline exceeded' "$$out" && ! grep -q 'Failing input written to' "$$out"; then \
				rm -f "$$out"; try=$$((try + 1)); \
				echo "fuzz: $$name stopped on Go's -fuzztime race (go.dev/issue/75804), not on an input: once more"; \
				continue; \
			fi; \
			rm -f "$$out"; exit 1; \
		done; \
	done

# Discovery's routes at national scale (418 councils, 400,000 contracts)
# under 32 concurrent clients: writes bench/DISCOVERY.md. About five
# minutes; not part of `make test`.
bench-discovery:
	bench/run-discovery.sh

# Everything: every page and the API at 32 and 128 clients, import, digest,
# start-up: writes bench/RESULTS.md. Under 15 minutes on two cores.
bench:
	bench/run-all.sh

# The digest for 20,000 people at national scale, delivered over SMTP to a
# local sink: writes bench/DIGEST.md with wall clock and peak memory.
bench-digest:
	bench/run-digest.sh

# Five minutes of mixed load, then kill -9 during an import, a digest run
# and response submissions: writes bench/FAULT.md; fails if a check does.
# SHORT=1 for a quick run.
bench-fault:
	bench/run-fault.sh

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
