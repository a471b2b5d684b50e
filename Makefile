# Bookshelf: `make serve` builds and serves the app; `make test` runs every test.
# Both install whatever is missing first (scripts/setup.sh), so a fresh Debian machine needs nothing else.
# `make bench` prints how the repository compares with raw IndexedDB and Dexie (bench/README.md).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 300
PORT ?= 8080

.PHONY: setup serve build test test-native test-browser test-e2e lint bench audit

setup:
	@scripts/setup.sh

build: setup
	trunk build --release

serve: build
	@echo "Bookshelf on http://127.0.0.1:$(PORT)/"
	node scripts/serve.mjs dist $(PORT)

lint: setup
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

test-native: setup
	cargo test

test-browser: setup
	cargo test --target wasm32-unknown-unknown

test-e2e: build
	node --test --test-concurrency=1 e2e/

test: lint test-native test-browser test-e2e

# The benchmark page builds with the `bench` feature into its own cargo target directory, so that
# it never overwrites the app's build. BENCH_MILLION=1 adds a million books (slow). It exits 1 when
# the systems compared disagree about an answer; the README's Performance figures are its output.
bench: setup build
	CARGO_TARGET_DIR=target/bench-cargo trunk build bench/index.html --release --dist target/bench-dist
	node bench/run.mjs

# Lighthouse on the release bundle (fetches lighthouse from npm on first use); the README's
# Lighthouse scores are what it prints.
audit: build
	node scripts/audit.mjs dist
