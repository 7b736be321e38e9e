#!/bin/bash
# Regenerates tests/unit/oci/rt/: the config.json of every bundle the
# runtime-tools validation suite makes, caught by a fake runtime that saves
# the bundle's config on `create` and fails. Needs the suite built by
# scripts/oci-validate.sh (or the kit's validate.sh) under $OCI_WORK; root.
set -eu
WORK=${OCI_WORK:-/var/tmp/oci-validation}
out=$(cd "$(dirname "$0")" && pwd)/rt
cap=$(mktemp -d /var/tmp/oci-capture.XXXXXX)
cat >"$cap/capture" <<EOS
#!/bin/sh
bundle=. verb=
while [ \$# -gt 0 ]; do
	case \$1 in --bundle) bundle=\$2; shift ;; --bundle=*) bundle=\${1#--bundle=} ;; create) verb=create ;; esac
	shift
done
[ "\$verb" = create ] && [ -f "\$bundle/config.json" ] && cp "\$bundle/config.json" "$cap/cfg.\$\$.\$(date +%s%N).json"
exit 1
EOS
chmod +x "$cap/capture"
rm -rf "$out" && mkdir -p "$out"
cd "$WORK/runtime-tools"
for t in $(ls validation/*/*.t | xargs -n1 basename | sed 's/\.t$//'); do
	unshare -m --propagation private env TMPDIR=/var/tmp RUNTIME="$cap/capture" \
		timeout -k 5 20 "./validation/$t/$t.t" >/dev/null 2>&1 </dev/null || true
	n=0
	for f in $(ls -tr "$cap"/cfg.*.json 2>/dev/null); do
		jq -c . "$f" >"$out/$t-$n.json" && n=$((n + 1))
		rm -f "$f"
	done
done
# identical configs once
declare -A seen
for f in "$out"/*.json; do
	h=$(sha256sum "$f" | cut -c1-16)
	if [ -n "${seen[$h]:-}" ]; then rm -f "$f"; else seen[$h]=1; fi
done
rm -rf "$cap"
ls "$out" | wc -l
