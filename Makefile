# jail — one non-recursive GNU Makefile.
#   make            build libjail.a and the commands into build/
#   make check      unit tests, fuzz, integration tests (root); ends "N passed, N failed, N skipped"
#   make lint       clang-format check, clang-tidy, cppcheck, clang -Werror build
#   make demo       install packages, build, make a jail root, run a jail
#   make bench      side-by-side start-up benchmarks against the peers
#   make install    PREFIX=/usr/local DESTDIR=   (make uninstall takes it back)
#   make deb        a Debian package in build/deb/ (debhelper; mk/deb.mk)
# Module makefiles in mk/*.mk may add targets (fuzz, ...).

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

PKGS     := libseccomp jansson libmnl libarchive nettle
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -ljansson -lmnl -larchive -lnettle)

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
            -Wstrict-prototypes -Wno-unused-parameter -Werror
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(HARDEN) $(CFLAGS) -Iinclude -Ilib $(PKG_CFLAGS) -MMD -MP
# The commands see only the public API (include/jail): no -Ilib for them.
CMD_CFLAGS := -std=gnu11 $(WARN) $(HARDEN) $(CFLAGS) -Iinclude $(PKG_CFLAGS) -MMD -MP
LDFLAGS  ?=
# Sanitizers given in CFLAGS (make asan, or by hand) need their runtimes at link time too.
SAN_FLAGS := $(filter -fsanitize=% -fno-sanitize%,$(CFLAGS))
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now $(SAN_FLAGS) $(LDFLAGS)
LDLIBS   := $(PKG_LIBS)

# libjail: the jail itself (core), networking (net), jail.conf (conf).
# libmkroot: the root builders mkjail uses, on top of libjail.
LIB_SRCS := $(sort $(wildcard lib/core/*.c lib/net/*.c lib/conf/*.c lib/oci/*.c lib/rctl/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBJAIL  := $(BUILD)/libjail.a
MKROOT_SRCS := $(sort $(wildcard lib/mkroot/*.c))
MKROOT_OBJS := $(MKROOT_SRCS:%.c=$(BUILD)/%.o)
LIBMKROOT := $(BUILD)/libmkroot.a

CMDS     := $(sort $(notdir $(wildcard cmd/*)))
CMD_BINS := $(CMDS:%=$(BUILD)/%)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit integration lint demo bench install uninstall clean format
# Keep intermediate objects: nothing is printed after the test summary.
all: $(LIBJAIL) $(LIBMKROOT) $(CMD_BINS) $(BUILD)/completion/jail $(BUILD)/bench/floor

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/cmd/%.o: cmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CMD_CFLAGS) -c -o $@ $<

# jinit, the jail's tiny PID 1 and exec stub: freestanding, static, no libc,
# carried inside libjail as bytes (lib/core/jinit_blob.S) and run from a
# sealed memfd.
JINIT_CFLAGS := -std=gnu11 -Os -Wall -Wextra -Werror -ffreestanding -fno-builtin -fno-stack-protector \
                -fno-asynchronous-unwind-tables -fno-pie -Iinclude
$(BUILD)/jinit: lib/init/jinit.c include/jail/err.h
	@mkdir -p $(dir $@)
	$(CC) $(JINIT_CFLAGS) -nostdlib -static -Wl,--build-id=none -Wl,-z,noexecstack -o $@ $<
	strip $@
$(BUILD)/lib/core/jinit_blob.o: lib/core/jinit_blob.S $(BUILD)/jinit
	@mkdir -p $(dir $@)
	$(CC) -c -DJINIT_PATH='"$(BUILD)/jinit"' -o $@ $<
LIB_OBJS += $(BUILD)/lib/core/jinit_blob.o

$(LIBJAIL): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBMKROOT): $(MKROOT_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# Each cmd/NAME/ directory builds one program NAME from its .c files.
define cmd_rule
$(BUILD)/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIBMKROOT) $(LIBJAIL)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach c,$(CMDS),$(eval $(call cmd_rule,$(c))))

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBMKROOT) $(LIBJAIL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BINS)
check: all $(UNIT_BINS)
	$(MAKE) -s fuzz
	BUILD=$(BUILD) FUZZ_DIR=$(FUZZ_BUILD) FUZZ_TIME=$(FUZZ_TIME) sh scripts/check.sh

lint:
	sh scripts/lint.sh

demo:
	sh scripts/demo.sh

# The bench's floor: a default jail's kernel work in raw system calls (bench/floor.c).
$(BUILD)/bench/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) $(HARDEN) $(CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# Each script appends its ratios to $(BENCH_OUT)/metrics.txt; the last lines
# of `make bench` are one table of all of them with their targets.
BENCH_OUT ?= bench/out
bench: all
	mkdir -p $(BENCH_OUT) && rm -f $(BENCH_OUT)/metrics.txt
	BENCH_OUT=$(BENCH_OUT) sh bench/run.sh
	BENCH_OUT=$(BENCH_OUT) sh bench/persist.sh
	BENCH_OUT=$(BENCH_OUT) sh bench/net.sh
	BENCH_OUT=$(BENCH_OUT) sh bench/rctl.sh
	BENCH_OUT=$(BENCH_OUT) sh bench/oci.sh
	python3 bench/summary.py --final $(BENCH_OUT)

# Bash completion with the parameter table of param.h put in.
$(BUILD)/completion/jail: etc/bash_completion.d/jail.in include/jail/param.h scripts/completion.sh
	sh scripts/completion.sh $@

UNITDIR  ?= /lib/systemd/system
COMPLETED := jail jls jexec mkjail
# Completions kept as they are (the generated jail one comes from jail.in).
COMPFILES := $(filter-out %.in,$(wildcard etc/bash_completion.d/*))
MANPAGES := $(wildcard man/*.5 man/*.8)
# What install puts where, so that uninstall takes back exactly that.
INSTALLED := $(CMD_BINS:$(BUILD)/%=$(SBINDIR)/%) $(SBINDIR)/jail-rc $(UNITDIR)/jail.service \
             $(foreach m,$(MANPAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
             $(COMPLETED:%=$(BASHCOMPDIR)/%) $(COMPFILES:etc/bash_completion.d/%=$(BASHCOMPDIR)/%)
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(CMD_BINS) scripts/jail-rc $(DESTDIR)$(SBINDIR)/
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/jail.service > $(DESTDIR)$(UNITDIR)/jail.service
	chmod 644 $(DESTDIR)$(UNITDIR)/jail.service
	[ -e $(DESTDIR)/etc/default/jail ] || { install -d $(DESTDIR)/etc/default && install -m 644 etc/jail.default $(DESTDIR)/etc/default/jail; }
	for m in man/*.8; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man8/; done; true
	for m in man/*.5; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/; done; true
	install -m 644 $(BUILD)/completion/jail $(DESTDIR)$(BASHCOMPDIR)/jail
	for c in $(filter-out jail,$(COMPLETED)); do ln -sf jail $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	for f in $(COMPFILES); do install -m 644 $$f $(DESTDIR)$(BASHCOMPDIR)/; done

# Everything install put there; /etc/default/jail only if nobody changed it.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	if cmp -s etc/jail.default $(DESTDIR)/etc/default/jail; then rm -f $(DESTDIR)/etc/default/jail; fi

format:
	clang-format -i $(LIB_SRCS) $(MKROOT_SRCS) $(wildcard lib/*/*.h include/jail/*.h cmd/*/*.c tests/unit/*.c tests/unit/*.h)

clean:
	rm -rf $(BUILD)

-include mk/*.mk
-include $(LIB_OBJS:.o=.d) $(MKROOT_OBJS:.o=.d) $(wildcard $(BUILD)/cmd/*/*.d $(BUILD)/tests/unit/*.d)

# Static helper the integration tests copy into jail roots.
$(BUILD)/tests/probe: tests/helpers/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<
check: $(BUILD)/tests/probe

man: $(BUILD)/jail $(BUILD)/rctl
	sh scripts/man.sh $(BUILD)/jail $(BUILD)/rctl
.PHONY: man
.SECONDARY:
$(BUILD)/tests/attack: tests/helpers/attack.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $< -lrt
$(BUILD)/tests/fakeld: tests/helpers/fakeld.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-stack-protector -fno-pie -no-pie -nostdlib -static -o $@ $<
check: $(BUILD)/tests/attack $(BUILD)/tests/fakeld
