# libFuzzer target for the jail.conf parser (lib/conf).
#   make fuzz         build $(FUZZ_BUILD)/fuzz_conf with clang + ASan/UBSan
#   make fuzz-short   run it for FUZZ_TIME seconds (default 60) on the seeds
# Objects are compiled separately from the normal build, in $(FUZZ_BUILD).

FUZZ_BUILD  ?= build-fuzz
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 60
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
               -fsanitize=fuzzer-no-link -Iinclude -Ilib
FUZZ_SRCS   := $(sort $(wildcard lib/conf/*.c)) lib/core/err.c
FUZZ_OBJS   := $(FUZZ_SRCS:%.c=$(FUZZ_BUILD)/%.o)

.PHONY: fuzz fuzz-short
fuzz: $(FUZZ_BUILD)/fuzz_conf

$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_conf: tests/fuzz/fuzz_conf.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

fuzz-short: $(FUZZ_BUILD)/fuzz_conf
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_conf -max_total_time=$(FUZZ_TIME) -max_len=4096 \
		-dict=tests/fuzz/conf.dict -artifact_prefix=$(FUZZ_BUILD)/ \
		$(FUZZ_BUILD)/corpus tests/fuzz/corpus
