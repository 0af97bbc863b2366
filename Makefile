# The two commands (see README): `make run` and `make test`. Both install what is missing.
.PHONY: run test build setup bench
run:
	./scripts/run.sh
test:
	./scripts/test.sh
build:
	./scripts/build.sh
setup:
	bash -c 'source scripts/lib.sh && setup_all'

bench:
	./scripts/bench.sh
