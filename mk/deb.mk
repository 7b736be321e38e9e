# The Debian package (debian/, debhelper).
#   make deb    build $(DEB_DIR)/jail_VERSION_ARCH.deb from a copy of this
#               tree (so dh's files never land here), then check it with
#               lintian: any error or warning fails (overrides, each with
#               its reason, are in debian/jail.lintian-overrides).
# DEB_DIR must lie outside the tree or under build*/, which the copy skips.

DEB_DIR ?= $(BUILD)/deb

.PHONY: deb
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	tar -cf - --exclude='./build*' --exclude=./.git --exclude=./bench/out . | tar -xf - -C $(DEB_DIR)/src
	# A clean environment, as a package builder has: this make's variables
	# (BUILD=..., in MAKEFLAGS or exported by make check) must not reach the
	# package's make, whose "make clean" would remove this tree's build.
	cd $(DEB_DIR)/src && env -i PATH="$$PATH" HOME="$$HOME" LC_ALL=C.UTF-8 \
		DEB_BUILD_OPTIONS="parallel=$$(nproc) $${DEB_BUILD_OPTIONS:-}" \
		dpkg-buildpackage -b -uc -us >../build.log 2>&1 || { tail -30 ../build.log; exit 1; }
	rm -rf $(DEB_DIR)/src
	lintian --fail-on error,warning $(DEB_DIR)/*.changes
	@ls $(DEB_DIR)/*.deb
