# The whole developer interface: run, test, lint, golden, bench.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLES := examples/J9306.yaml examples/J9355.yaml
OUT := out

.PHONY: run test fuzz lint golden bench bench-claims clean pdf-packages browser-packages \
	java-runtime apt-install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) pdf-packages
	$(BIN)/codefolio build $(EXAMPLES) -o $(OUT) --format md,txt,html,pdf,json
	$(BIN)/codefolio site examples -o $(OUT)/site

# Debian packages, installed only when missing: Pango for WeasyPrint's PDF output, and
# headless Chromium with its driver for the browser test.
pdf-packages:
	@/sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || $(MAKE) --no-print-directory \
		apt-install PACKAGES="libpango-1.0-0 libpangoft2-1.0-0"

browser-packages:
	@test -x /usr/bin/chromium || $(MAKE) --no-print-directory \
		apt-install PACKAGES="chromium chromium-driver"

# Another apt or dpkg run (an unattended upgrade, a second make) holds the package lock for
# a while: wait for it, up to APT_LOCK_WAIT seconds, instead of failing at once.
APT_LOCK_WAIT ?= 600
APT_GET := apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT)

# A Java runtime for Spark (codefolio claims check --engine spark), only when none is on PATH.
java-runtime:
	@command -v java >/dev/null 2>&1 || $(MAKE) --no-print-directory \
		apt-install PACKAGES="default-jre-headless"

apt-install:
	@echo "installing Debian packages: $(PACKAGES)"
	$(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq $(PACKAGES) >/dev/null

test: $(STAMP) pdf-packages browser-packages java-runtime
	$(BIN)/python -m pytest

# The fuzz tests with many examples each (make test runs a few).
fuzz: $(STAMP) pdf-packages
	CODEFOLIO_FUZZ=long $(BIN)/python -m pytest tests/test_fuzz_hostile.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

golden: $(STAMP)
	$(BIN)/python tests/golden/regenerate.py

bench: $(STAMP) pdf-packages
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_refdata.py
	$(BIN)/python benchmarks/bench_formats.py
	$(BIN)/python benchmarks/bench_catalog.py
	$(MAKE) --no-print-directory bench-claims

# 10 million synthetic claim lines on DuckDB, the same on Spark local, 837 parsing rate.
bench-claims: $(STAMP) java-runtime
	$(BIN)/python benchmarks/bench_claims.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
