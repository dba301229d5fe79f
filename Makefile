# Pairpad: `make run` to start it, `make test` to check it. See README.md.
SHELL := /bin/bash
BUILD ?= backend/build
ASAN_BUILD ?= backend/build-asan
FUZZ_BUILD ?= backend/build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)
PAIRPAD_ARGS ?=

.PHONY: all deps build run test unit integration integration-pg sanitize \
        fuzz fuzz-regression fmt fmt-check bench clean help

all: build

help:
	@echo "make run       install what is missing, build, start on http://localhost:8000"
	@echo "make test      every test suite (unit, integration on SQLite and PostgreSQL,"
	@echo "               ASan+UBSan, fuzz corpus replay, format check)"
	@echo "make build | sanitize | fuzz | fmt | bench | clean"

deps:
	@scripts/install-deps.sh build

build: deps
	@cmake -S backend -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) -- --no-print-directory
	@scripts/build-frontend.sh

run: build
	@mkdir -p data
	exec $(BUILD)/pairpad $(PAIRPAD_ARGS)

test:
	@scripts/test.sh all

unit: build
	@$(BUILD)/pairpad_unit_tests

integration: build
	@scripts/test.sh integration

integration-pg: build
	@scripts/test.sh integration-pg

sanitize:
	@scripts/test.sh sanitize

fuzz:
	@scripts/fuzz.sh run $(FUZZ_SECONDS)

fuzz-regression:
	@scripts/fuzz.sh replay

fmt:
	@scripts/install-deps.sh test
	@clang-format -i $$(git ls-files 'backend/*.c' 'backend/*.h')

fmt-check:
	@clang-format --dry-run -Werror $$(git ls-files 'backend/*.c' 'backend/*.h')

bench: build
	@scripts/install-deps.sh bench
	@bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
