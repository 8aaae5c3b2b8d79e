# The whole developer interface: run, test, lint, golden, bench.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLES := examples/J9306.yaml examples/J9355.yaml
OUT := out

.PHONY: run test lint golden bench clean system-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) system-packages
	$(BIN)/codefolio build $(EXAMPLES) -o $(OUT) --format md,txt,html,pdf,json
	$(BIN)/codefolio site examples -o $(OUT)/site

# Debian packages the tests need, installed only when missing: headless Chromium and its
# driver for the browser test, Pango for WeasyPrint's PDF output.
system-packages:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium chromium-driver"; \
	/sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) system-packages
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

golden: $(STAMP)
	$(BIN)/python tests/golden/regenerate.py

bench: $(STAMP) system-packages
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_refdata.py
	$(BIN)/python benchmarks/bench_formats.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
