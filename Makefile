# The two commands (see README): `make run` and `make test`. Both install what is missing.
.PHONY: run test build setup bench check-config
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

# Before deploying: `make check-config ENV=production [SECRETS=file]` names every problem.
check-config:
	cargo run -q -p gatehouse-config-check -- --env "$(ENV)" $(if $(SECRETS),--secrets "$(SECRETS)")
