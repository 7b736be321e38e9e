#!/usr/bin/env bats
# Jail addresses (issue 5). Every test runs inside a throw-away network
# namespace made by unshare -n: its "host" has loopback, the documentation
# address 198.51.100.1 on lo, and whatever the test adds; nothing routes off
# the machine. Addresses come from 192.0.2.0/24, 198.51.100.0/24 and 2001:db8::/32.

load ../lib/common

JEXEC=$BUILD/jexec
JLS=$BUILD/jls

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() { [ "$status" -eq 0 ] || echo "$output"; assert_clean; }

# Run the test's script in a fresh network namespace. In it, "listening
# ADDR PORT" waits (up to 5 s) until a TCP connection to ADDR PORT succeeds.
innet() {
	unshare -n env JAIL="$JAIL" JEXEC="$JEXEC" JLS="$JLS" ROOT="$ROOT" JAIL_STATEDIR="$JAIL_STATEDIR" \
		bash -c 'set -e; trap "\"$JAIL\" -q -r \"*\" 2>/dev/null || true" EXIT; ip link set lo up; ip addr add 198.51.100.1/32 dev lo
		listening() {
			for i in $(seq 100); do (: <>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.05; done
			echo "nothing listens on $1 port $2" >&2; return 1
		}
		'"$1"
}

@test "a daemon in the jail answers on the jail's address, port 80, while the host's listener has port 80 on its own" {
	run innet '
		"$JAIL" -q -c name=web path="$ROOT" ip4.addr=192.0.2.27 persist
		mkdir -p /tmp/hostwww.$$; echo host-page > /tmp/hostwww.$$/index.html
		busybox httpd -f -p 198.51.100.1:80 -h /tmp/hostwww.$$ & hp=$!; trap "kill $hp 2>/dev/null || true; \"$JAIL\" -q -r \"*\" 2>/dev/null || true" EXIT
		listening 198.51.100.1 80
		"$JEXEC" web /bin/sh -c "mkdir -p /tmp/www; echo jail-page > /tmp/www/index.html; httpd -p 80 -h /tmp/www"
		timeout 5 busybox wget -q -O - http://192.0.2.27/
		timeout 5 busybox wget -q -O - http://198.51.100.1/
		kill $hp; rm -rf /tmp/hostwww.$$
		"$JAIL" -v -r web | grep ": removed$"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "jail-page" ]
	[ "${lines[1]}" = "host-page" ]
	[ "${lines[2]}" = "web: removed" ]
}

@test "the jail holds exactly its addresses, sees no host interface, cannot bind another address" {
	run innet '
		ip link add hostside0 type veth peer name hostside1
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 ip6.addr=2001:db8::27 persist
		"$JEXEC" a /bin/sh -c "ls /sys/class/net | tr \"\n\" \" \"; echo; ip -o addr show | awk \"{print \\\$4}\" | sort | tr \"\n\" \" \"; echo"
		"$JEXEC" a /bin/probe bind 192.0.2.28 8080 || true
		"$JEXEC" a /bin/probe bind 198.51.100.1 8080 || true
		"$JEXEC" a /bin/probe bind 192.0.2.27 80 || true
		"$JEXEC" a /bin/sh -c "ip addr add 192.0.2.99/32 dev eth0 2>&1 || true"
		"$JAIL" -q -r a'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "eth0 lo " ]
	[[ "${lines[1]}" == "127.0.0.1/8 192.0.2.27/32 2001:db8::27/128 ::1/128 fe80::"* ]]
	[ "${lines[2]}" = "EADDRNOTAVAIL" ]
	[ "${lines[3]}" = "EADDRNOTAVAIL" ]
	[ "${lines[4]}" = "ok" ]
	[[ "${lines[5]}" == *"Operation not permitted"* ]]
}

@test "the host reaches the jail and the jail reaches the host, IPv4 and IPv6" {
	run innet '
		ip addr add 2001:db8::1/128 dev lo
		mkdir -p /tmp/hw.$$; echo host-page > /tmp/hw.$$/index.html
		busybox httpd -f -p 80 -h /tmp/hw.$$ & hp=$!; trap "kill $hp 2>/dev/null || true; \"$JAIL\" -q -r \"*\" 2>/dev/null || true" EXIT
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 ip6.addr=2001:db8::27 persist
		"$JEXEC" a /bin/sh -c "mkdir -p /tmp/w; echo jail-page > /tmp/w/index.html; httpd -p 80 -h /tmp/w"
		listening 198.51.100.1 80; listening 192.0.2.27 80
		timeout 5 busybox wget -q -O - http://192.0.2.27/
		timeout 5 busybox wget -q -O - "http://[2001:db8::27]/"
		"$JEXEC" a timeout 5 wget -q -O - http://198.51.100.1/
		"$JEXEC" a timeout 5 wget -q -O - "http://[2001:db8::1]/"
		kill $hp; rm -rf /tmp/hw.$$
		"$JAIL" -q -r a'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "jail-page" ]
	[ "${lines[1]}" = "jail-page" ]
	[ "${lines[2]}" = "host-page" ]
	[ "${lines[3]}" = "host-page" ]
}

@test "ping needs allow.raw_sockets" {
	run innet '
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 persist
		"$JAIL" -q -c name=b path="$ROOT" ip4.addr=192.0.2.28 allow.raw_sockets persist
		"$JEXEC" a /bin/sh -c "ping -c1 -W1 198.51.100.1 >/dev/null 2>&1 && echo a-pings || echo a-refused"
		"$JEXEC" b /bin/sh -c "ping -c1 -W1 198.51.100.1 >/dev/null 2>&1 && echo b-pings || echo b-refused"
		"$JAIL" -q -r a b'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "a-refused" ]
	[ "${lines[1]}" = "b-pings" ]
}

@test "two jails with addresses reach each other through the host" {
	run innet '
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 persist
		"$JAIL" -q -c name=b path="$ROOT" ip4.addr=192.0.2.28 persist
		("$JEXEC" b /bin/sh -c "echo from-b | nc -l -p 7000" >/dev/null) &
		# listening on 7000 (0x1B58), seen without connecting: nc serves one connection
		for i in $(seq 100); do "$JEXEC" b grep -q ":1B58 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done
		"$JEXEC" a /bin/sh -c "nc -w 2 192.0.2.28 7000 </dev/null"
		"$JAIL" -q -r a b'
	[ "$status" -eq 0 ]
	[ "$output" = "from-b" ]
}

@test "an address in use by another jail is refused, naming the jail; the other keeps working" {
	run innet '
		"$JAIL" -q -c name=ftp path="$ROOT" ip4.addr=192.0.2.27 persist
		"$JAIL" -c name=www path="$ROOT" ip4.addr=192.0.2.27/24 persist || echo "status $?"
		"$JEXEC" ftp /bin/probe bind 192.0.2.27 21 || true
		"$JAIL" -q -r ftp'
	[ "${lines[0]}" = 'jail: www: ip4.addr: 192.0.2.27/24: address already in use by jail "ftp"' ]
	[ "${lines[1]}" = "status 1" ]
	[ "${lines[2]}" = "ok" ]
}

@test "bad addresses: one line, status 1 (FreeBSD's), nothing made" {
	run "$JAIL" -c name=x path="$ROOT" ip4.addr=192.0.2.300 persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: x: ip4.addr: not an IPv4 address: 192.0.2.300" ]
	run "$JAIL" -c name=x path="$ROOT" ip6.addr=192.0.2.1 persist
	[ "$status" -eq 1 ]
	run "$JAIL" -c name=x path="$ROOT" ip4=inherit ip4.addr=192.0.2.1 persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: x: ip4.addr: addresses need ip4=new, not inherit" ]
}

@test "interface=IF: the host answers ARP and NDP for the jail's addresses on IF" {
	run innet '
		ip link add lan0 type veth peer name lan1
		ip link set lan0 up
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 ip6.addr=2001:db8::27 interface=lan0 persist
		ip neigh show proxy dev lan0 | awk "{print \$1}" | sort | tr "\n" " "; echo
		"$JAIL" -q -r a
		ip neigh show proxy dev lan0 | wc -l
		"$JAIL" -q -c name=b path="$ROOT" ip4.addr="lan0|192.0.2.29/24" persist
		ip neigh show proxy dev lan0 | awk "{print \$1}"
		"$JAIL" -q -r b'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "192.0.2.27 2001:db8::27 " ]
	[ "${lines[1]}" = "0" ]
	[ "${lines[2]}" = "192.0.2.29" ]
}

@test "jls shows IF|addr/mask addresses as the address alone; -s feeds jail -c back" {
	run innet '
		ip link add h0 type veth peer name h1; ip link set h0 up
		"$JAIL" -q -c name=a path="$ROOT" host.hostname=a.example.org "ip4.addr=h0|198.51.100.10/24" \
			"ip6.addr=h0|2001:db8::10/64" persist
		"$JLS"
		"$JLS" -v | tail -2
		"$JLS" -n ip4.addr ip6.addr
		"$JLS" --libxo json -n ip4.addr
		"$JLS" --libxo json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"jail-information\"][\"jail\"][0][\"ipv4\"])"
		s=$("$JLS" -s -j a)
		echo "$s" | tr " " "\n" | grep -E "^ip[46](.addr)?="
		# the registry keeps what was written: jail -m and the proxy entry on h0 still use it
		"$JAIL" -q -m name=a host.hostname=b.example.org
		echo "$("$JLS" -j a host.hostname ip4.addr) $(ip neigh show proxy dev h0 | grep -c 198.51.100.10)"
		grep -o "h0|198.51.100.10/24" "$JAIL_STATEDIR/1.json"
		"$JAIL" -q -r a
		eval "\"\$JAIL\" -q -c $s"
		"$JEXEC" a ip -o addr show eth0 | awk "{print \$4}" | sort | head -2 | tr "\n" " "; echo
		"$JAIL" -q -r a'
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "     1  198.51.100.10   a.example.org                 $ROOT"* ]]
	[ "${lines[2]}" = "        198.51.100.10" ]
	[ "${lines[3]}" = "        2001:db8::10" ]
	[ "${lines[4]}" = "ip4.addr=198.51.100.10 ip6.addr=2001:db8::10" ]
	[ "${lines[5]}" = '{"__version": "2", "jail-information": {"jail": [{"ip4.addr": ["198.51.100.10"]}]}}' ]
	[ "${lines[6]}" = "198.51.100.10" ]
	[ "${lines[7]}" = "ip4=new" ]
	[ "${lines[8]}" = "ip6=new" ]
	[ "${lines[9]}" = "ip4.addr=198.51.100.10" ]
	[ "${lines[10]}" = "ip6.addr=2001:db8::10" ]
	[ "${lines[11]}" = "b.example.org 198.51.100.10 1" ]
	[ "${lines[12]}" = "h0|198.51.100.10/24" ]
	[ "${lines[13]}" = "198.51.100.10/32 2001:db8::10/128 " ]
}

@test "jail -r from another network namespace than the creator's still removes the proxy ARP/NDP entries" {
	run innet '
		ip link add lan0 type veth peer name lan1
		ip link set lan0 up
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 ip6.addr=2001:db8::27 interface=lan0 persist
		ip neigh show proxy dev lan0 | wc -l
		# jail -r from a throw-away namespace of its own: the creator'"'"'s is found again by its inode
		unshare -n "$JAIL" -q -r a; echo "status $?"
		ip neigh show proxy dev lan0 | wc -l
		"$JLS" -j a >/dev/null 2>&1 || echo gone'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "2" ]
	[ "${lines[1]}" = "status 0" ]
	[ "${lines[2]}" = "0" ]
	[ "${lines[3]}" = "gone" ]
}

@test "the legacy form takes the ip argument; jls shows the address" {
	run innet '
		"$JAIL" -n legacy "$ROOT" legacy.example.org 192.0.2.30,2001:db8::30 /bin/sh -c "ip -o addr show eth0 | awk \"{print \\\$4}\" | head -2 | tr \"\n\" \" \""'
	[ "$status" -eq 0 ]
	[ "$output" = "192.0.2.30/32 2001:db8::30/128 " ]
	run innet '
		"$JAIL" -q -c name=shown path="$ROOT" host.hostname=shown.example.org ip4.addr=192.0.2.31,192.0.2.32 persist
		"$JLS"; "$JLS" -v; "$JAIL" -q -r shown'
	[ "${lines[1]}" = "     $(readlink "$JAIL_STATEDIR/n.shown" 2>/dev/null || echo 1)  192.0.2.31      shown.example.org             $ROOT" ] || [[ "${lines[1]}" == *"192.0.2.31      shown.example.org"* ]]
	[[ "$output" == *"192.0.2.32"* ]]
}

@test "after removal no route, neighbour entry, interface or namespace is left" {
	run innet '
		ip link add lan0 type veth peer name lan1; ip link set lan0 up
		before_links=$(ip -o link | wc -l); before_routes=$(ip route | wc -l)
		"$JAIL" -q -c name=a path="$ROOT" ip4.addr=192.0.2.27 ip6.addr=2001:db8::27 interface=lan0 persist
		"$JAIL" -q -c name=b path="$ROOT" ip4.addr=192.0.2.28 command=/bin/true
		"$JAIL" -q -r a
		echo "$before_links $(ip -o link | wc -l)"
		echo "$before_routes $(ip route | wc -l)"
		ip neigh show proxy | wc -l
		ip -6 route | grep -c 2001:db8 || true'
	[ "$status" -eq 0 ]
	read -r b a <<<"${lines[0]}"; [ "$b" = "$a" ]
	read -r b a <<<"${lines[1]}"; [ "$b" = "$a" ]
	[ "${lines[2]}" = "0" ]
	[ "${lines[3]}" = "0" ]
}

# FreeBSD jail_basic_test "list": vnet.interface moves host interfaces in (epair -> veth here).
@test "vnet: vnet.interface moves interfaces in, the jail configures them, jail -r gives them back" {
	run innet '
		ip link add ve0 type veth peer name ve1
		"$JAIL" -v -c name=basejail path="$ROOT" vnet persist vnet.interface=ve0,ve1 | grep ": created$"
		"$JEXEC" basejail ip link show ve0 >/dev/null && echo has-ve0
		"$JEXEC" basejail ip link show ve1 >/dev/null && echo has-ve1
		ip link show ve0 >/dev/null 2>&1 || echo host-lost-ve0
		"$JEXEC" basejail /bin/sh -c "ip addr add 192.0.2.5/24 dev ve0 && echo configured"
		"$JAIL" -v -r basejail | grep ": removed$"
		ip link show ve0 >/dev/null && ip link show ve1 >/dev/null && echo both-back'
	[ "$status" -eq 0 ]
	[ "$output" = $'basejail: created\nhas-ve0\nhas-ve1\nhost-lost-ve0\nconfigured\nbasejail: removed\nboth-back' ]
}

@test "vnet: a non-vnet jail may not configure its stack; a vnet jail may" {
	run innet '
		"$JAIL" -q -c name=a path="$ROOT" persist
		"$JAIL" -q -c name=v path="$ROOT" vnet persist
		"$JEXEC" a /bin/sh -c "ip addr add 192.0.2.7/32 dev lo 2>&1 || true"
		"$JEXEC" v /bin/sh -c "ip addr add 192.0.2.7/32 dev lo && echo vnet-ok"'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Operation not permitted"* ]]
	[ "${lines[1]}" = "vnet-ok" ]
}

@test "vnet.bridge: jails on one bridge reach each other and the host; a jail on another bridge does not" {
	run innet '
		ip link add br0 type bridge; ip link set br0 up; ip addr add 192.0.2.1/24 dev br0
		ip link add br9 type bridge; ip link set br9 up
		"$JAIL" -q -c name=b1 path="$ROOT" vnet vnet.bridge=br0 ip4.addr=192.0.2.10/24 ip6.addr=2001:db8::10/64 vnet.defaultrouter=192.0.2.1 allow.raw_sockets persist
		"$JAIL" -q -c name=b2 path="$ROOT" vnet vnet.bridge=br0 ip4.addr=192.0.2.11/24 ip6.addr=2001:db8::11/64 allow.raw_sockets persist
		"$JAIL" -q -c name=b3 path="$ROOT" vnet vnet.bridge=br9 ip4.addr=192.0.2.12/24 allow.raw_sockets persist
		"$JEXEC" b1 /bin/sh -c "ip -o -4 addr show eth0 | awk \"{print \\\$4}\"; ip route | grep default"
		busybox ping -c1 -W2 192.0.2.10 >/dev/null && echo host-to-b1
		"$JEXEC" b1 ping -c1 -W2 192.0.2.11 >/dev/null && echo b1-to-b2
		"$JEXEC" b1 ping -c1 -W3 2001:db8::11 >/dev/null && echo b1-to-b2-v6
		"$JEXEC" b2 ping -c1 -W2 192.0.2.1 >/dev/null && echo b2-to-host
		"$JEXEC" b3 ping -c1 -W1 192.0.2.10 >/dev/null 2>&1 && echo b3-reaches || echo b3-isolated
		"$JAIL" -q -r b1 b2 b3
		ip -o link | grep -c "vt\|vjail" || true'
	[ "$status" -eq 0 ]
	[ "$output" = $'192.0.2.10/24\ndefault via 192.0.2.1 dev eth0 onlink \nhost-to-b1\nb1-to-b2\nb1-to-b2-v6\nb2-to-host\nb3-isolated\n0' ]
}

@test "vnet.macvlan: an interface on a host parent, born in the jail" {
	run innet '
		ip link add up0 type veth peer name up1; ip link set up0 up; ip link set up1 up
		"$JAIL" -q -c name=m path="$ROOT" vnet vnet.macvlan=up0 ip4.addr=198.51.100.20/24 persist
		"$JEXEC" m /bin/sh -c "ip -o -4 addr show eth0 | awk \"{print \\\$4}\"; grep -c DEVTYPE=macvlan /sys/class/net/eth0/uevent || true"
		"$JAIL" -q -r m'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "198.51.100.20/24" ]
}

@test "vnet: bad combinations are refused before anything is made" {
	run "$JAIL" -c name=x path="$ROOT" vnet ip4.addr=192.0.2.9 persist
	[ "$status" -eq 1 ]
	[[ "$output" == "jail: x: ip4.addr: a vnet jail configures its own addresses"* ]]
	run "$JAIL" -c name=x path="$ROOT" vnet.interface=eth9 persist
	[ "$status" -eq 1 ]
	[ "$output" = "jail: x: vnet.interface, vnet.bridge ...: need vnet" ]
	run "$JAIL" -c name=x path="$ROOT" vnet vnet.bridge=a vnet.macvlan=b ip4.addr=192.0.2.9/24 persist
	[ "$output" = "jail: x: vnet.bridge, vnet.macvlan, vnet.ipvlan: choose one" ]
	run innet '"$JAIL" -c name=x path="$ROOT" vnet vnet.interface=nosuch0 persist'
	[ "$status" -ne 0 ]
	[[ "$output" == *"nosuch0"* ]]
	[ ! -L "$JAIL_STATEDIR/n.x" ]
}

@test "ip_hostname (-h): the resolver's addresses for host.hostname become the jail's" {
	printf '192.0.2.44 hn.example.org\n2001:db8::44 hn.example.org\n' > "$BATS_TEST_TMPDIR/hosts"
	run unshare -m -n env JAIL="$JAIL" JEXEC="$JEXEC" ROOT="$ROOT" JAIL_STATEDIR="$JAIL_STATEDIR" H="$BATS_TEST_TMPDIR/hosts" bash -c '
		mount --bind "$H" /etc/hosts; ip link set lo up
		"$JAIL" -q -h -c name=h path="$ROOT" host.hostname=hn.example.org persist
		"$JEXEC" h ip -o addr show eth0 | awk "{print \$4}" | head -2
		"$JAIL" -q -r h
		"$JAIL" -c name=h path="$ROOT" host.hostname=nosuch.invalid ip_hostname persist'
	[ "${lines[0]}" = "192.0.2.44/32" ]
	[ "${lines[1]}" = "2001:db8::44/128" ]
	[[ "${lines[2]}" == "jail: h: ip_hostname: nosuch.invalid: "* ]]
}
