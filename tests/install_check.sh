#!/bin/sh
# install_check.sh — `make install` and `make uninstall` into a temporary
# DESTDIR: the expected files with the expected modes, a second install that
# keeps the administrator's configuration, another PREFIX rewriting the
# paths, the installed configuration accepted by the installed binary
# (pfhttpd -t), the systemd unit accepted by systemd-analyze verify and the
# logrotate file by logrotate -d (each SKIP when its tool is missing), and an
# uninstall that removes all of it but the configuration and the logs.
# Run from the Makefile (make install-check, part of make check); never
# touches the real system: DESTDIR is always set.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
MAKE=${MAKE:-make}
tmp=$(mktemp -d /tmp/pfhttpd-install-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else bad "$desc"; fi
}
mode_is() { [ "$(stat -c %a "$1" 2>/dev/null)" = "$2" ]; }
has_line() { grep -qxF -- "$2" "$1" 2>/dev/null; }

install_into() {   # DESTDIR [make arguments...]
	dest=$1
	shift
	if ! $MAKE -s -C "$src" install DESTDIR="$dest" "$@" >"$tmp/make.log" 2>&1; then
		cat "$tmp/make.log"
		bad "make install DESTDIR=$dest $*"
		echo "install_check: $fails failed"
		exit 1
	fi
}

# --- the default layout ------------------------------------------------------
d=$tmp/root
install_into "$d"
ok "make install DESTDIR=$d"
p=$d/usr/local
check "binary in sbin, 0755" mode_is "$p/sbin/pfhttpd" 755
# The setuid helper: 4750 root:www-data as root (Makefile SUEXEC_GROUP), inert 0750 without root.
if [ "$(id -u)" -eq 0 ] && getent group www-data >/dev/null; then
	check "pfhttpd-suexec in lib/pfhttpd, 4750 root:www-data" \
		test "$(stat -c '%a %U %G' "$p/lib/pfhttpd/pfhttpd-suexec" 2>/dev/null)" = "4750 root www-data"
else
	check "pfhttpd-suexec in lib/pfhttpd, 0750 (not root: no setuid)" mode_is "$p/lib/pfhttpd/pfhttpd-suexec" 750
fi
check "pfhttpd(8) in share/man/man8" test -f "$p/share/man/man8/pfhttpd.8"
check "pfhttpd.conf(5) in share/man/man5" test -f "$p/share/man/man5/pfhttpd.conf.5"
check "configuration in /etc/pfhttpd, 0644" mode_is "$d/etc/pfhttpd/pfhttpd.conf" 644
check "no pfhttpd.conf.dist on a first install" test ! -e "$d/etc/pfhttpd/pfhttpd.conf.dist"
check "init script in /etc/init.d, 0755" mode_is "$d/etc/init.d/pfhttpd" 755
check "systemd unit in PREFIX/lib/systemd/system" test -f "$p/lib/systemd/system/pfhttpd.service"
check "logrotate file in /etc/logrotate.d" test -f "$d/etc/logrotate.d/pfhttpd"
check "log directory /var/log/pfhttpd, 0750" mode_is "$d/var/log/pfhttpd" 750
missing=""
for dir in htdocs cgi-bin; do
	for f in $(cd "$src/$dir" && find . ! -type d); do
		[ -e "$p/share/pfhttpd/$dir/$f" ] || missing="$missing $dir/$f"
	done
done
check "every file of htdocs/ and cgi-bin/ in share/pfhttpd${missing:+ (missing:$missing)}" test -z "$missing"
check "CGI scripts stay executable" test -x "$p/share/pfhttpd/cgi-bin/printenv"
check "unit starts the installed binary" \
	has_line "$p/lib/systemd/system/pfhttpd.service" "ExecStart=/usr/local/sbin/pfhttpd -F -f /etc/pfhttpd/pfhttpd.conf"
check "configuration serves the installed example site" \
	grep -q '^server_root = "/usr/local/share/pfhttpd";' "$d/etc/pfhttpd/pfhttpd.conf"
check "init script passes sh -n" sh -n "$d/etc/init.d/pfhttpd"
check "init script has an LSB header" grep -q '^### BEGIN INIT INFO' "$d/etc/init.d/pfhttpd"

# The shipped configuration passes the installed binary's own check, with
# its paths moved into DESTDIR.
sed -e "s|\"/usr/local/share/pfhttpd\"|\"$p/share/pfhttpd\"|" \
    -e "s|/var/log/pfhttpd/|$d/var/log/pfhttpd/|" \
    -e "s|\"/run/pfhttpd.pid\"|\"$tmp/pfhttpd.pid\"|" \
    "$d/etc/pfhttpd/pfhttpd.conf" >"$tmp/t.conf"
[ -r /etc/mime.types ] || sed -i '/^mime_types/d' "$tmp/t.conf"
if out=$("$p/sbin/pfhttpd" -t -f "$tmp/t.conf" 2>&1); then
	ok "pfhttpd -t accepts the installed configuration"
else
	bad "pfhttpd -t accepts the installed configuration: $out"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$tmp/unit"
	sed "s|/usr/local/sbin/pfhttpd|$p/sbin/pfhttpd|g" "$p/lib/systemd/system/pfhttpd.service" \
		>"$tmp/unit/pfhttpd.service"
	if out=$(MANPATH=$p/share/man systemd-analyze verify "$tmp/unit/pfhttpd.service" 2>&1) &&
	   [ -z "$out" ]; then
		ok "systemd-analyze verify pfhttpd.service"
	else
		bad "systemd-analyze verify pfhttpd.service: $out"
	fi
else
	echo "SKIP systemd-analyze verify: no systemd-analyze (Debian package systemd)"
fi

if command -v logrotate >/dev/null 2>&1; then
	sed "s|/var/log/pfhttpd|$d/var/log/pfhttpd|" "$d/etc/logrotate.d/pfhttpd" >"$tmp/logrotate.conf"
	echo "a line" >"$d/var/log/pfhttpd/access.log"
	if out=$(logrotate -d -s "$tmp/logrotate.state" "$tmp/logrotate.conf" 2>&1) &&
	   ! printf '%s\n' "$out" | grep -qi 'error'; then
		ok "logrotate -d accepts /etc/logrotate.d/pfhttpd"
	else
		bad "logrotate -d accepts /etc/logrotate.d/pfhttpd: $out"
	fi
	rm -f "$d/var/log/pfhttpd/access.log"
else
	echo "SKIP logrotate -d: no logrotate (Debian package logrotate)"
fi

# --- a second install keeps the administrator's configuration ---------------
echo "# edited by the administrator" >>"$d/etc/pfhttpd/pfhttpd.conf"
install_into "$d"
check "second install keeps an edited pfhttpd.conf" \
	has_line "$d/etc/pfhttpd/pfhttpd.conf" "# edited by the administrator"
check "second install puts the new default in pfhttpd.conf.dist" \
	test -f "$d/etc/pfhttpd/pfhttpd.conf.dist"
check "pfhttpd.conf.dist is the shipped configuration" \
	grep -q '^server_root = "/usr/local/share/pfhttpd";' "$d/etc/pfhttpd/pfhttpd.conf.dist"
grep -q 'kept the existing' "$tmp/make.log"
check "second install says it kept the configuration" test $? -eq 0

# --- another PREFIX ---------------------------------------------------------
o=$tmp/opt
install_into "$o" PREFIX=/opt/pfhttpd
check "PREFIX: binary in PREFIX/sbin" test -x "$o/opt/pfhttpd/sbin/pfhttpd"
check "PREFIX: unit in PREFIX/lib/systemd/system names PREFIX/sbin/pfhttpd" \
	has_line "$o/opt/pfhttpd/lib/systemd/system/pfhttpd.service" \
	"ExecStart=/opt/pfhttpd/sbin/pfhttpd -F -f /etc/pfhttpd/pfhttpd.conf"
check "PREFIX: init script's default DAEMON is PREFIX/sbin/pfhttpd" \
	grep -q 'DAEMON:-/opt/pfhttpd/sbin/pfhttpd' "$o/etc/init.d/pfhttpd"
check "PREFIX: logrotate calls PREFIX/sbin/pfhttpd" \
	grep -q '/opt/pfhttpd/sbin/pfhttpd -s reopen' "$o/etc/logrotate.d/pfhttpd"
check "PREFIX: configuration serves PREFIX/share/pfhttpd" \
	grep -q '^server_root = "/opt/pfhttpd/share/pfhttpd";' "$o/etc/pfhttpd/pfhttpd.conf"
check "PREFIX: configuration stays in /etc/pfhttpd" test -f "$o/etc/pfhttpd/pfhttpd.conf"

# --- uninstall --------------------------------------------------------------
echo "mine" >"$p/share/pfhttpd/htdocs/mine.html"
echo "a line" >"$d/var/log/pfhttpd/error.log"
if $MAKE -s -C "$src" uninstall DESTDIR="$d" >"$tmp/make.log" 2>&1; then
	ok "make uninstall DESTDIR=$d"
else
	cat "$tmp/make.log"
	bad "make uninstall DESTDIR=$d"
fi
left=""
for f in "$p/sbin/pfhttpd" "$p/lib/pfhttpd/pfhttpd-suexec" "$p/lib/pfhttpd" "$p/share/man/man8/pfhttpd.8" "$p/share/man/man5/pfhttpd.conf.5" \
	 "$d/etc/init.d/pfhttpd" "$p/lib/systemd/system/pfhttpd.service" \
	 "$d/etc/logrotate.d/pfhttpd" "$d/etc/pfhttpd/pfhttpd.conf.dist" \
	 "$p/share/pfhttpd/htdocs/index.html" "$p/share/pfhttpd/cgi-bin/printenv"; do
	[ -e "$f" ] && left="$left ${f#"$d"}"
done
check "uninstall removes what install put${left:+ (left:$left)}" test -z "$left"
check "uninstall keeps the configuration" \
	has_line "$d/etc/pfhttpd/pfhttpd.conf" "# edited by the administrator"
check "uninstall keeps the logs" test -f "$d/var/log/pfhttpd/error.log"
check "uninstall keeps a file the administrator added to the example site" \
	test -f "$p/share/pfhttpd/htdocs/mine.html"
rm -f "$p/share/pfhttpd/htdocs/mine.html"
if $MAKE -s -C "$src" uninstall DESTDIR="$d" >"$tmp/make.log" 2>&1 && [ ! -e "$p/share/pfhttpd" ]; then
	ok "a second uninstall succeeds and removes the emptied share/pfhttpd"
else
	cat "$tmp/make.log"
	bad "a second uninstall succeeds and removes the emptied share/pfhttpd"
fi

if [ $fails -ne 0 ]; then
	echo "install_check: $fails failed"
	exit 1
fi
echo "install_check: all passed"
