# The sanitizer build of the commands (issue 11): AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer.
#   make asan-build   build $(ASAN_BUILD) (objects of their own, as make fuzz)
#   make asan         that, then tests/integration/asan.bats: jail, jls and jexec
#                     over the create, -m, -mr, -rc, jail.conf and error paths;
#                     any sanitizer report fails it
# make check builds it too, so asan.bats runs with the other integration tests.

ASAN_BUILD  ?= build-asan
ASAN_CC     ?= clang
ASAN_CFLAGS ?= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined

.PHONY: asan asan-build
asan-build:
	@# jinit is freestanding and never instrumented: built by the default compiler (its -no-pie
	@# link flag is an error for clang -Werror)
	$(MAKE) -s BUILD=$(ASAN_BUILD) $(ASAN_BUILD)/jinit
	$(MAKE) -s BUILD=$(ASAN_BUILD) CC=$(ASAN_CC) CFLAGS='$(ASAN_CFLAGS)' $(ASAN_BUILD)/jail $(ASAN_BUILD)/jls $(ASAN_BUILD)/jexec

asan: all $(BUILD)/tests/probe asan-build
	ASAN_BUILD=$(CURDIR)/$(ASAN_BUILD) JAIL_BUILD=$(CURDIR)/$(BUILD) bats tests/integration/asan.bats

check: asan-build
