SHELL := /bin/bash
# Casework: `make run` opens the workbook on the default store; `make test` runs every test.
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= debug
BIN := .build/$(CONFIG)/casework
# System packages the build and the end-to-end tests need: PostgreSQL's
# client library for the team store, and its server for the team store's tests.
SYSTEM_PACKAGES := libncurses-dev libsqlite3-dev tmux sqlite3 libpq-dev postgresql postgresql-client openssl
# The tests alone also need a real headless browser, to render the HTML team report.
TEST_PACKAGES := chromium

.PHONY: all build run test install uninstall clean deps test-deps install-packages bench

all: build

# Installs what is missing when run as root; otherwise says what to install.
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(SYSTEM_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(SYSTEM_PACKAGES) $(TEST_PACKAGES)"

install-packages:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Casework needs these system packages:$$missing"; \
			echo "Install them with: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

run: build
	@store="$${CASEWORK_STORE:-$${XDG_DATA_HOME:-$$HOME/.local/share}/casework/casework.sqlite}"; \
	[ -f "$$store" ] || $(BIN) init; \
	$(BIN)

# The team store's tests run against a throwaway PostgreSQL cluster in a
# temporary folder, started here and stopped at the end; if it cannot start,
# the run fails (the tests never skip it). Anything the server refused beyond
# the refusals the tests provoke is printed after the run, with its statement.
test: test-deps
	$(SWIFT) build --build-tests
	@pgdir=$$(mktemp -d /tmp/casework-pg.XXXXXX); \
	trap 'Tests/postgres-cluster.sh stop "$$pgdir"' EXIT; \
	conninfo=$$(Tests/postgres-cluster.sh start "$$pgdir") || { echo "make test: the throwaway PostgreSQL cluster did not start" >&2; exit 1; }; \
	echo "Team store tests: throwaway PostgreSQL cluster in $$pgdir"; \
	CASEWORK_TEST_PG="$$conninfo" CASEWORK_TEST_PG_SOCKET="$$pgdir" $(SWIFT) test --skip-build 2>&1 | tee .build/test.log | grep -vE '^(◇|􀟈) Test .* started\.$$'; \
	status=$${PIPESTATUS[0]}; \
	if [ $$status != 0 ]; then \
		echo; echo "make test: what failed, repeated from the log above (whole log: .build/test.log):"; \
		grep -E -A8 '^(✘|􀢄) Test .*(recorded an issue|failed)|error:|fatal' .build/test.log | grep -vE '^(◇|􀟈) Test .* started' | head -120; \
	fi; \
	errors=$$(Tests/postgres-cluster.sh errors "$$pgdir"); \
	if [ -n "$$errors" ]; then echo; echo "make test: what the throwaway PostgreSQL server refused beyond the refusals the tests provoke:"; echo "$$errors"; fi; \
	exit $$status

# Benchmarks on stores of 10,000 and 100,000 invented cases (generated once into .build/bench).
BENCH_SIZES ?= 10000,100000
# The team store (PostgreSQL) is measured at these sizes, each generated once
# by COPY into a cluster kept in .build/bench/team-pg (a million cases take
# about 25 minutes and 12 GB the first time).
BENCH_TEAM_SIZES ?= 100000,1000000
bench: deps
	$(SWIFT) build -c release --product casework
	$(SWIFT) build -c release --product casework-bench
	.build/release/casework-bench run --sizes $(BENCH_SIZES) --resources Resources --out .build/bench/results.md
	@pgdir=$$(pwd)/.build/bench/team-pg; mkdir -p .build/bench; \
	trap 'Tests/postgres-cluster.sh halt "$$pgdir"' EXIT; \
	conninfo=$$(Tests/postgres-cluster.sh keep "$$pgdir" | sed 's/ user=postgres dbname=postgres//') || exit 1; \
	.build/release/casework-bench team --sizes $(BENCH_TEAM_SIZES) --conninfo "$$conninfo" --resources Resources --out .build/bench/team-results.md

# Installs an optimised build, whatever CONFIG says: the debug build `make run` uses is five times
# slower (`casework cases` at 100,000 cases: 0.86 s against 0.16 s).
install: deps
	$(SWIFT) build -c release --product casework
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/casework"
	install -m 0755 .build/release/casework "$(DESTDIR)$(PREFIX)/bin/casework"
	cp -R Resources/. "$(DESTDIR)$(PREFIX)/share/casework/"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/casework"
	rm -rf "$(DESTDIR)$(PREFIX)/share/casework"

clean:
	rm -rf .build
