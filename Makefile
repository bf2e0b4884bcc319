# The box's commands. `make run` and `make test` set up what they need first.
VENV      ?= .venv
PY        := $(VENV)/bin/python
BOARD     ?=
ARCH      ?= amd64
ARGS      ?=
PYTEST_ARGS ?=

.PHONY: setup run test lint format bench pbxctl image image-test bundle clean

setup:
	@bash image-build/host-setup.sh

run: setup
	@$(VENV)/bin/pbx-box

test: setup
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: setup
	@$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

bench: setup
	@$(PY) bench/sip_load.py
	@$(PY) bench/hal_frames.py
	@$(PY) bench/acd_latency.py

pbxctl: setup
	@$(VENV)/bin/pbxctl $(ARGS)

# BOARD defaults to qemu-amd64 for ARCH=amd64 and rpi4-pbx for ARCH=arm64 (image-build/README.md).
image: setup
	@bash image-build/host-setup.sh --image
	@$(PY) image-build/build.py --arch $(ARCH) $(if $(BOARD),--board $(BOARD))

# A signed RAUC update bundle of the built root (out/<board>-<arch>/update-<version>.raucb); keys in
# PBX_RAUC_KEYS (default image-build/keys/, a development CA made on first use; git-ignored).
bundle: setup
	@$(PY) image-build/bundle.py --arch $(ARCH) $(if $(BOARD),--board $(BOARD)) $(if $(VERSION),--version $(VERSION))

image-test: setup
	@bash image-build/host-setup.sh --image
	@$(PY) -m pytest -m image tests $(PYTEST_ARGS)

clean:
	rm -rf var .pytest_cache
