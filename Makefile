# OpenResolve. `make run` serves the API with a worker; `make test` runs every test.
# Both use DATABASE_URL when it is set, and otherwise a project-local PostgreSQL cluster that
# scripts/devdb.sh starts (and installs, as root, when PostgreSQL is missing).

GO       ?= go
SQLC     := $(GO) run github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1
FUZZTIME ?= 30s

.PHONY: build run test screenshot docs-assets legal-forms trade-words lint generate verify fuzz chaos bench quality calibrate db db-stop clean

build:
	$(GO) build -o bin/ ./cmd/...

run:
	@scripts/run.sh

test:
	@scripts/chromium.sh
	@scripts/parts.sh
	DATABASE_URL="$$(scripts/devdb.sh)" $(GO) test -race -count=1 -timeout 8m ./...

# screenshot refreshes the README's picture of River UI, taken by the browser test.
screenshot:
	DATABASE_URL="$$(scripts/devdb.sh)" SCREENSHOT=$(CURDIR)/docs/riverui.png $(GO) test -count=1 -run TestRiverUIInBrowser ./internal/e2e/

# docs-assets fetches again the Redoc bundle that /docs serves (embedded in the binary).
docs-assets:
	cd $$(mktemp -d) && npm pack redoc@2.5.4 >/dev/null && tar xzf redoc-2.5.4.tgz && \
		cp package/bundles/redoc.standalone.js package/bundles/redoc.standalone.js.LICENSE.txt $(CURDIR)/internal/api/openapi/ && \
		cp package/LICENSE $(CURDIR)/internal/api/openapi/redoc.LICENSE

# legal-forms converts the legal-form term data of the cleanco npm package again
# (internal/names/data/cleanco.tsv).
legal-forms:
	cd $$(mktemp -d) && npm pack cleanco@1.0.2 >/dev/null && tar xzf cleanco-1.0.2.tgz && \
		node $(CURDIR)/scripts/legal-forms.js package >$(CURDIR)/internal/names/data/cleanco.tsv && \
		cp package/LICENSE $(CURDIR)/internal/names/data/cleanco.LICENSE

# trade-words converts the trade words' translations from the English Wiktionary again
# (internal/names/data/trade_words.tsv, from the words in trade_words_en.txt). WIKTIONARY_DICT
# is a checkout of github.com/open-dsl-dict/wiktionary-dict, GERMANIZER one of
# github.com/max-degterev/germanizer (Wiktionary's German nouns with their English); each is
# cloned when it is not given. JPN_ENG_DICTD is JMdict for dictd without its extension, as
# Debian's dict-freedict-jpn-eng installs it; the package is downloaded when it is not given.
trade-words:
	dir="$(WIKTIONARY_DICT)"; if [ -z "$$dir" ]; then dir=$$(mktemp -d) && \
		git clone -q https://github.com/open-dsl-dict/wiktionary-dict "$$dir" && git -C "$$dir" checkout -q 74c2c11; fi; \
	de="$(GERMANIZER)"; if [ -z "$$de" ]; then de=$$(mktemp -d) && \
		git clone -q https://github.com/max-degterev/germanizer "$$de" && git -C "$$de" checkout -q f6f57fe7; fi; \
	ja="$(JPN_ENG_DICTD)"; if [ -z "$$ja" ]; then jd=$$(mktemp -d) && \
		(cd "$$jd" && apt-get download -qq dict-freedict-jpn-eng=2022.04.21-1 && dpkg-deb -x dict-freedict-jpn-eng_*.deb x) && \
		ja="$$jd/x/usr/share/dictd/freedict-jpn-eng"; fi; \
	$(GO) run ./internal/tools/tradewords "$$dir" internal/names/data/trade_words_en.txt "$$de" "$$ja" >internal/names/data/trade_words.tsv.new && \
	mv internal/names/data/trade_words.tsv.new internal/names/data/trade_words.tsv

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l cmd internal migrations client webhook); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

# generate writes sql/import.sql from the staging tables (internal/tools/importsql), then
# the sqlc code of every statement in sql/.
generate:
	$(GO) test ./internal/tools/importsql -run TestGenerated -update >/dev/null
	$(SQLC) generate

# verify fails when generated code, formatting or go.mod drift from their sources.
verify: lint
	$(SQLC) diff
	$(GO) mod tidy -diff

# chaos runs the real binaries through crashes, restarts and outages under load, against a
# Postgres cluster of its own, and prints the reconciliation (about DURATION plus a minute).
chaos: build
	$(GO) build -o bin/ ./cmd/chaos
	@scripts/devdb.sh >/dev/null  # makes sure PostgreSQL is installed
	bin/chaos --duration $(or $(DURATION),2m)

# bench measures OpenResolve beside its yardsticks (an HTTP ceiling, raw inserts, raw River
# jobs) on a Postgres cluster of its own, then the graph at GRAPH people (the demo's files
# through openresolve import beside a plain COPY of each, a 10% refresh, bytes per person and
# every resolver's latency), and writes the figures into BENCHMARKS.md.
# With DURATION set (make bench DURATION=10m) it is a sustained run instead, at RATE requests/s,
# sampled every 30 s: latency, River's job table and dead tuples should stay flat.
BENCH_DURATION ?= 20s
RATE ?= 120
GRAPH ?= 1000000
bench: build
	$(GO) build -o bin/ ./cmd/bench
	@scripts/devdb.sh >/dev/null  # makes sure PostgreSQL is installed
ifdef DURATION
	bin/bench --steady $(RATE) --duration $(DURATION)
else
	bin/bench --duration $(BENCH_DURATION) --out BENCHMARKS.md
	bin/bench --graph $(GRAPH) --out BENCHMARKS.md
endif

# fuzz runs every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# quality generates a labelled set (about 10,000 questions on 3,000 companies in 26 countries),
# asks every question through the real API and worker on a Postgres cluster of its own, and
# prints how often each kind of name variant was answered right (a few minutes).
# QUALITY_SEED picks another set.
QUALITY_SEED ?= 1
quality: build
	$(GO) build -o bin/ ./cmd/quality
	@scripts/devdb.sh >/dev/null  # makes sure PostgreSQL is installed
	bin/quality --seed $(QUALITY_SEED)

# calibrate fits the confidence calibration (internal/names/calibration_fit.go) on a labelled
# set of another seed than make quality measures.
calibrate: build
	$(GO) build -o bin/ ./cmd/quality
	@scripts/devdb.sh >/dev/null
	bin/quality --seed 1001 --fit internal/names/calibration_fit.go

db:
	@scripts/devdb.sh

db-stop:
	@scripts/devdb.sh stop

clean:
	rm -rf bin
