#!/bin/sh
# Installs every Debian package that building, testing, the demo and the
# benchmarks of jail need. Idempotent; run as root on Debian 12.
# OCI (jail-oci, mkjail oci): libarchive and nettle (image layers and their
# sha256), jq for the tests; golang-go builds the runtime-tools suite,
# runc is measured beside crun, umoci and skopeo make test images; podman,
# buildah and containerd are the engines the OCI tests drive jail-oci with.
set -eu
PKGS="
  build-essential make pkg-config gcc clang clang-format clang-tidy cppcheck
  libclang-rt-14-dev
  libseccomp-dev libmnl-dev libjansson-dev libcap-dev
  bats busybox-static debootstrap
  iproute2 util-linux procps psmisc kmod
  hyperfine bubblewrap crun iperf3 time
  nginx-light
  libarchive-dev nettle-dev jq
  golang-go runc umoci skopeo
  podman buildah containerd
  bash-completion debhelper dpkg-dev lintian
"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: must run as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
