# The developer entry point: `make help` lists the targets. Each target
# runs a task of .ci/tasks, the one definition .ci/run (CI) uses too.
# Variables: FUZZTIME (fuzz, default 10s), MEMREL_STRESS_OPS (stress,
# default 50000), MEMREL_CONFORMANCE_DIR (conformance: another scenario
# set), STATICCHECK (lint: module@version, default the pinned release).
# Set them on the command line (make fuzz FUZZTIME=1m) or in the
# environment.

TASKS = ./.ci/tasks

.PHONY: help test lint gofmt vet staticcheck bench bench-full fuzz fuzz-targets conformance stress ci

help:
	@$(TASKS) help

test:
	$(TASKS) test

lint:
	$(TASKS) lint

gofmt:
	$(TASKS) gofmt

vet:
	$(TASKS) vet

staticcheck:
	$(TASKS) staticcheck

bench:
	$(TASKS) bench

bench-full:
	$(TASKS) bench-full

fuzz:
	$(TASKS) fuzz

fuzz-targets:
	@$(TASKS) fuzz-targets

conformance:
	$(TASKS) conformance

stress:
	$(TASKS) stress

ci:
	./.ci/run
