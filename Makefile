# Top-level Makefile in QEMU's spirit: meson does the real work in build/.
BUILD_DIR ?= build
SAN_DIR   ?= build-san
# libFuzzer build of tests/fuzz, configured and built by tests/fuzz/run.
FUZZ_DIR  ?= build-fuzz
export FUZZ_BUILD_DIR = $(abspath $(FUZZ_DIR))

.PHONY: all deps check check-unit check-iotests check-diff check-sanitizers check-fuzz demo bench clean

all: $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR)

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	./configure --builddir=$(BUILD_DIR) --enable-werror

check: deps all
	@tests/check-all.sh --build-dir $(BUILD_DIR)

check-sanitizers: deps
	@[ -f $(SAN_DIR)/build.ninja ] || ./configure --builddir=$(SAN_DIR) --enable-werror --enable-sanitizers
	ninja -C $(SAN_DIR)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    tests/check-all.sh --build-dir $(SAN_DIR)

# The fuzz suite alone: corpus replay and 15 s (FUZZ_SECONDS) per target.
check-fuzz: deps all
	@tests/fuzz/run --build-dir $(BUILD_DIR)

demo: deps all
	@scripts/demo.sh $(BUILD_DIR)

bench: deps all
	@scripts/bench.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(SAN_DIR) $(FUZZ_DIR)
