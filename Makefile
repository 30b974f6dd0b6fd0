# Top-level Makefile in QEMU's spirit: meson does the real work in build/.
BUILD_DIR ?= build
SAN_DIR   ?= build-san

.PHONY: all deps check check-unit check-iotests check-diff check-sanitizers demo bench clean

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

demo: deps all
	@scripts/demo.sh $(BUILD_DIR)

bench: deps all
	@scripts/bench.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(SAN_DIR)
