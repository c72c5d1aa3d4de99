# moderato -- GNU Make build. Out of tree into build/ (or $(BUILD)).
#   make            library (static + shared), CLI, pkg-config file
#   make run        install deps, build, train-free main job on embedded defaults
#   make test       unit tests + CLI end-to-end tests + fuzz corpus replay
#   make asan       build and test under ASan+UBSan (build-asan/)
#   make model      rebuild models/default.momd from data/ (bit-for-bit)
#   make fuzz       libFuzzer targets with clang (build-fuzz/)
#   make format / format-check
#   make bench      benchmarks against peers (see docs/BENCHMARKS.md)

BUILD    ?= build
CC       ?= cc
PKGS     := libutf8proc jansson libxxhash libhs yaml-0.1
TEST_PKGS:= cmocka
SANITIZE ?=

PKG_OK := $(shell pkg-config --exists $(PKGS) $(TEST_PKGS) && echo yes)
ifneq ($(PKG_OK),yes)
ifeq ($(filter deps format format-check clean,$(MAKECMDGOALS)),)
$(warning pkg-config cannot find some of: $(PKGS) $(TEST_PKGS); run scripts/install-deps.sh \
  (Debian packages libutf8proc-dev libjansson-dev libxxhash-dev libcmocka-dev))
endif
endif

CFLAGS   ?= -g -O2
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
            -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wvla -Wformat=2 \
            -fvisibility=hidden -fPIC -pthread -MMD -MP
CPPFLAGS += -Iinclude -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
TEST_LIBS = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC  := $(sort $(wildcard src/base/*.c src/text/*.c src/model/*.c src/eval/*.c src/detect/*.c src/policy/*.c src/engine/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/*/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%_replay)

.PHONY: all run test asan tsan model fuzz format format-check bench deps clean unit install

all: $(BUILD)/moderato $(BUILD)/libmoderato.a $(BUILD)/libmoderato.so $(BUILD)/moderato.pc

deps:
	sh scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libmoderato.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libmoderato.so: $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libmoderato.so.0 -o $@ $^ $(LDLIBS)

$(BUILD)/moderato: $(CLI_OBJ) $(BUILD)/libmoderato.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libmoderato.a $(LDLIBS)

$(BUILD)/moderato.pc: Makefile
	@mkdir -p $(BUILD)
	printf 'prefix=/usr/local\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: moderato\nDescription: content-safety engine\nVersion: 0.1.0\nRequires.private: %s\nLibs: -L$${libdir} -lmoderato\nLibs.private: -lm -pthread\nCflags: -I$${includedir}\n' "$(PKGS)" > $@

# Unit tests: one binary per test file; link the static library so internal
# (mo__) functions are reachable.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmoderato.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libmoderato.a $(LDLIBS) $(TEST_LIBS)

# Fuzz corpus replayers: the fuzz target plus a plain main() (fuzz/replay.c).
$(BUILD)/fuzz/%_replay: fuzz/%.c fuzz/replay.c $(BUILD)/libmoderato.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< fuzz/replay.c $(BUILD)/libmoderato.a $(LDLIBS)

# Normalization benchmark (docs/BENCHMARKS.md, "Normalization").
$(BUILD)/bench/bench_normalize: bench/bench_normalize.c $(BUILD)/libmoderato.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libmoderato.a $(LDLIBS)

unit: all $(TEST_BIN) $(FUZZ_REPLAY)

test: deps
	$(MAKE) unit
	BUILD=$(BUILD) sh tests/run.sh

asan: deps
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined unit
	BUILD=build-asan sh tests/run.sh

# The threaded batch pipeline (classify, moderate) under ThreadSanitizer.
tsan: deps
	$(MAKE) BUILD=build-tsan SANITIZE=thread all
	TSAN_OPTIONS="halt_on_error=1 $$TSAN_OPTIONS" BUILD=build-tsan sh tests/tsan.sh

run: deps
	$(MAKE) all
	sh scripts/demo.sh $(BUILD)

model: all
	sh scripts/build-model.sh $(BUILD)

fuzz:
	@mkdir -p build-fuzz
	for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); \
	  $(MAKE) BUILD=build-fuzz CC=clang SANITIZE=fuzzer-no-link,address,undefined build-fuzz/libmoderato.a && \
	  clang $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o build-fuzz/$$n $$f build-fuzz/libmoderato.a $(LDLIBS) || exit 1; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

bench: all
	sh bench/run.sh $(BUILD)

PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/moderato
	install -m 755 $(BUILD)/moderato $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libmoderato.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libmoderato.so $(DESTDIR)$(PREFIX)/lib/libmoderato.so.0
	ln -sf libmoderato.so.0 $(DESTDIR)$(PREFIX)/lib/libmoderato.so
	install -m 644 include/moderato.h $(DESTDIR)$(PREFIX)/include/
	sed 's|^prefix=.*|prefix=$(PREFIX)|' $(BUILD)/moderato.pc > $(DESTDIR)$(PREFIX)/lib/pkgconfig/moderato.pc
	install -m 644 models/default.momd $(DESTDIR)$(PREFIX)/share/moderato/
	install -d $(DESTDIR)$(PREFIX)/share/moderato/lexicons $(DESTDIR)$(PREFIX)/share/moderato/policies
	install -m 644 lexicons/*.txt $(DESTDIR)$(PREFIX)/share/moderato/lexicons/
	install -m 644 policies/*.yaml $(DESTDIR)$(PREFIX)/share/moderato/policies/
	printf '{\n  "model": "default.momd",\n  "lexicons": "lexicons",\n  "policy": "policies/default.yaml"\n}\n' > $(DESTDIR)$(PREFIX)/share/moderato/default.json

clean:
	rm -rf build build-asan build-fuzz build-tsan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
