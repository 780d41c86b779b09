# Thin wrapper over CMake. The real build is CMakeLists.txt.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= 2

.PHONY: all build demo test test-asan bench bench-io docs clean python

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/weyl demo

# Solver timings against bare dgesdd (bench/README in the top README); BENCH_ARGS=--quick for a subset.
bench: build
	./$(BUILD)/bench/weyl_bench $(BENCH_ARGS)

# Compact output formats against npy, basis cache load against solve.
bench-io: build
	./$(BUILD)/bench/weyl_bench_io $(BENCH_ARGS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure

# The Python package (src/python) for Debian's python3: builds libweyl with
# CMake into build-python/ and bundles it. Debian 12 marks its python
# externally managed, hence --break-system-packages (the package goes to
# /usr/local/lib/python3*/dist-packages, or ~/.local for a non-root user);
# a venv with --system-site-packages needs neither flag (README "Python").
# Remove with: $(PYTHON) -m pip uninstall --break-system-packages weyl
PYTHON ?= /usr/bin/python3
python:
	$(PYTHON) -m pip install --no-index --no-build-isolation --break-system-packages ./src/python

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWEYL_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	WEYL_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure

# The HTML reference of include/weyl (Doxygen, `apt-get install doxygen`):
# $(BUILD)/docs/html/index.html. Any Doxygen warning fails it.
docs:
	WEYL_DOCS_DIR=$(BUILD)/docs \
	WEYL_VERSION=$$(sed -n 's/^#define WEYL_VERSION_STRING "\(.*\)"/\1/p' include/weyl/version.h) \
	  doxygen docs/Doxyfile

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
