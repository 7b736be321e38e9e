# libFuzzer targets, one per tests/fuzz/fuzz_NAME.c, each over a parser that
# reads untrusted input:
#   conf     jail.conf (lib/conf)
#   param    NAME=VALUE parameters (jail_params_set_arg / jail_params_set)
#   mount    mount / mount.fstab lines (jail_mount_parse)
#   netaddr  ip4.addr / ip6.addr (netaddr_parse)
#   elf      ELF objects and ld.so.cache from jail roots (elf_parse, elf_ldcache_parse)
#   make fuzz            build $(FUZZ_BUILD)/fuzz_NAME with clang + ASan/UBSan
#   make fuzz-short      run each for FUZZ_TIME seconds (default 20) on its seeds
# Seeds live in tests/fuzz/corpus/NAME (crash reproducers too, so they are
# replayed on every run), dictionaries in tests/fuzz/NAME.dict, extra
# libFuzzer flags in tests/fuzz/NAME.options. The library is compiled again
# with the sanitizers, apart from the normal build, in $(FUZZ_BUILD).

FUZZ_BUILD  ?= build-fuzz
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 20
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
               -fsanitize=fuzzer-no-link -Iinclude -Ilib $(PKG_CFLAGS)
FUZZ_OBJS   := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIB    := $(FUZZ_BUILD)/libjail.a
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-short
fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz-short: $(FUZZ_BINS)
	BUILD=$(BUILD) UNIT=1 FUZZ_ONLY=1 FUZZ_DIR=$(FUZZ_BUILD) FUZZ_TIME=$(FUZZ_TIME) sh scripts/check.sh

-include $(FUZZ_OBJS:.o=.d)
