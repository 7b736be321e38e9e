# mkjail(8) slow tests: Debian roots by debootstrap (network to the Debian
# mirror the host's apt uses) and the thin-jail measurement. Not part of
# `make check`; run `make check-slow`. The debootstrap cache defaults to
# /var/cache/jail/debootstrap (MKJAIL_CACHE overrides), so runs after the
# first take seconds.
.PHONY: check-slow
check-slow: all $(BUILD)/tests/probe
	BUILD=$(BUILD) UNIT=0 BATS_DIR=tests/slow sh scripts/check.sh
