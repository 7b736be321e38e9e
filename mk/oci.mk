# The OCI runtime-tools validation suite against jail-oci and crun in one run
# (scripts/oci-validate.sh; the kit is shared/oci beside the repository).
# Several minutes on 2 cores; not part of `make check` unless
# JAIL_OCI_VALIDATE=1 is set for tests/integration/oci-validate.bats.
.PHONY: oci-validate
oci-validate: all
	sh scripts/oci-validate.sh -o $(BUILD)/oci-validate $(BUILD)/jail-oci crun
