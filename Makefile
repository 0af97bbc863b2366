# The two commands (see README): `make run` and `make test`. Both check the machine first
# (`make doctor`) and install what is missing. Ports: scripts/ports.sh (e.g. GATEHOUSE_PORT=9787).
.PHONY: run test doctor build setup bench check-config
run:
	./scripts/run.sh
test:
	./scripts/test.sh
# Every prerequisite, one line per finding with the command that deals with it.
doctor:
	./scripts/doctor.sh all
build:
	./scripts/build.sh
setup:
	bash -c 'source scripts/lib.sh && use_ports test && setup_test'

bench:
	./scripts/bench.sh

# Before deploying: `make check-config ENV=production [SECRETS=file]` names every problem.
check-config:
	cargo run -q -p gatehouse-config-check -- --env "$(ENV)" $(if $(SECRETS),--secrets "$(SECRETS)")
