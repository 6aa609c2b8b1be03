# vigil: make demo runs analyze on the bundled sample; make test runs every test.
GO ?= go
FUZZTIME ?= 10s

.PHONY: all build demo demo-stream test test-short fuzz vet bench clean

all: build

build:
	$(GO) build -o bin/analyze ./cmd/analyze

demo: build
	./bin/analyze testdata/apache_logs

# demo-stream: Kafka to PostgreSQL in well under a minute: bench/kafkademo
# (an in-process broker holding a generated log with incidents) feeds
# bin/ingest, which stores into the database vigil_demo (dropped and made
# anew) on the local PostgreSQL; then the incidents and a few minute
# totals. bench/demo-stream.sh says more (PG, DB, LINES, SPEED).
demo-stream:
	$(GO) build -o bin/ingest ./cmd/ingest
	$(GO) build -o bin/kafkademo ./bench/kafkademo
	./bench/demo-stream.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

# deps: the Debian packages the tests drive (kcat, promtool, alertmanager,
# chromium), installed when missing, and pg_stat_statements preloaded in
# the local PostgreSQL (a restart, once); quiet when all are there.
deps:
	@./.ci/deps

# test: vet, the whole suite with the race detector on the packages that run
# goroutines, and a short fuzz run of every parser and of the engine.
test: deps vet
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race -short ./pipeline/... ./cmd/...
	$(MAKE) fuzz

# fuzz: a short run of every parser's target and of the whole engine
# (arbitrary bytes through run, report and every renderer).
FUZZ_TARGETS = \
	FuzzParse:./parsers/accesslog FuzzParseBuiltin:./parsers/accesslog \
	FuzzParse:./parsers/jsonlog FuzzParse:./parsers/logfmt \
	FuzzParse:./parsers/awslb FuzzParse:./parsers/haproxy FuzzParse:./parsers/w3c \
	FuzzParse:./parsers/applog FuzzParseTime:./parsers \
	FuzzParseInflux:./parsers/metrics FuzzParseProm:./parsers/metrics FuzzParseJSON:./parsers/metrics \
	FuzzDecode:./pipeline/window FuzzDecode:./sketches/quantile FuzzDecode:./sketches/topk \
	FuzzRun:./pipeline
# A run that fails with the Go fuzz coordinator's "context deadline
# exceeded" at its deadline and no failing input (golang/go#75804, fixed
# in Go 1.27; seen under load) is run once more; any other failure fails.
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t%%:*} $${t#*:}"; \
		for try in 1 2; do \
			if $(GO) test -run='^$$' -fuzz="^$${t%%:*}$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s $${t#*:} >.fuzz.log 2>&1; then \
				tail -1 .fuzz.log; break; \
			fi; \
			cat .fuzz.log; \
			if [ $$try = 2 ] || ! grep -q 'context deadline exceeded' .fuzz.log || grep -q 'Failing input written' .fuzz.log; then \
				rm -f .fuzz.log; exit 1; \
			fi; \
			echo "fuzz: the coordinator timed out without a failing input (golang/go#75804); once more"; \
		done; \
	done; rm -f .fuzz.log

# bench: Go benchmarks (MB/s from b.SetBytes, lines/s where reported), e.g.
# make bench BENCH=Parse COUNT=6 PKGS=./parsers/... > new.txt for benchstat
# (bench/README.md); bench/compare runs the end-to-end comparison.
BENCH ?= .
COUNT ?= 1
PKGS ?= ./...
bench:
	$(GO) test -run='^$$' -bench='$(BENCH)' -count=$(COUNT) -benchmem $(PKGS)

clean:
	rm -rf bin
