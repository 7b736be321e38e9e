# The OCI runtime-tools validation suite against jail-oci and crun in one run
# (scripts/oci-validate.sh; the kit is shared/oci beside the repository).
# About 20 minutes on 2 cores for both, so not part of `make check`:
#   make check-oci      the suite as a test (tests/oci: jail-oci passes at least as many files as crun)
#   make oci-validate   the table alone, for jail-oci, crun and runc, in $(BUILD)/oci-validate
.PHONY: oci-validate check-oci
oci-validate: all
	sh scripts/oci-validate.sh -o $(BUILD)/oci-validate $(BUILD)/jail-oci crun runc

check-oci: all
	BUILD=$(BUILD) UNIT=0 BATS_DIR=tests/oci sh scripts/check.sh
