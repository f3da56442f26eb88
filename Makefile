# Two commands do all set-up on a fresh Debian machine with Swift: `make run` and `make test`.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps build release bench demo snapshot clean

## Install what the build and the tests need (ncursesw headers, tmux for the end-to-end tests, Prometheus and
## promtool for the hub's tests) when missing.
deps:
	@missing=""; \
	dpkg -s libncurses-dev >/dev/null 2>&1 || missing="$$missing libncurses-dev"; \
	dpkg -s liblzma-dev >/dev/null 2>&1 || missing="$$missing liblzma-dev"; \
	command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing="$$missing prometheus"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## The main job: with no node configured, starts the embedded demo cluster and opens the TUI on it.
run: deps
	$(SWIFT) run lassotop $(ARGS)

## Every test: unit, real-HTTP integration against the demo cluster, golden frames, tmux end-to-end.
test: deps
	python3 scripts/check-imports.py
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

## The shipped binary: release, with the Swift runtime and Foundation linked in (smaller resident set, faster start).
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product lassotop

## Benchmarks with budgets (not part of the tests), measuring the binary `make release` builds.
bench: release
	$(SWIFT) build -c release --static-swift-stdlib --product lassotop-bench
	.build/release/lassotop-bench $(ARGS)

demo: deps
	$(SWIFT) run lassotop demo $(ARGS)

snapshot: deps
	$(SWIFT) run lassotop snapshot $(ARGS)

clean:
	rm -rf .build
