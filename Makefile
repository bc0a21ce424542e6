# pfhttpd — pre-fork HTTP/1.1 server with CGI/1.1.
#
#   make          build build/pfhttpd
#   make run      install missing Debian packages, build, serve htdocs/ and cgi-bin/ on :8080
#   make check    install missing Debian packages, build, run every unit and integration test
#   make SAN=1 …  the same with AddressSanitizer + UBSan, under build/san;
#                 a sanitizer report from any process (a worker too) fails it
#   make fuzz     build and run each libFuzzer harness of tests/fuzz/ for
#                 FUZZ_SECONDS (default 20) seconds; a crash fails it
#   make valgrind the integration suites against a server under memcheck
#   make install  install under PREFIX (default /usr/local), staged under DESTDIR if set;
#                 PREFIX/lib/pfhttpd/pfhttpd-suexec: setuid root, group SUEXEC_GROUP (default www-data), 4750
#   make uninstall  remove what make install put (not the configuration, the logs or the user)
#   make man-check  the man pages format without a warning
#   make coverage   unit + integration suites under gcov; line and branch coverage of src/ (lcov)
#   make bench    pfhttpd beside nginx, Apache prefork and lighttpd (bench/bench.sh);
#                 table and chart in bench/results/<date>/; make bench QUICK=1: under 3 minutes

VERSION  := 0.1.0
ifeq ($(origin CC),default)
CC       := gcc
endif
BUILD    := build
PKGS     := libconfig libcrypt
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
            -Wstrict-prototypes -Wmissing-prototypes -D_GNU_SOURCE \
            -DPFHTTPD_VERSION='"$(VERSION)"' -DPFHTTPD_SUEXEC='"$(PREFIX)/lib/pfhttpd/pfhttpd-suexec"' -Isrc
ifeq ($(SAN),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/san
# A report goes to stderr by default, and a worker's stderr is the server's,
# which the harness keeps in a file it deletes with the test's server root;
# so every process writes its reports to $(SAN_DIR)/report.PID instead, and
# `unit` and `integration` fail when that directory is not empty afterwards
# (`check` empties it first; its install-check's reports fail `unit`).
# The directory is world-writable (sticky): workers of a test may run as
# another user. LeakSanitizer's suppressions: tests/fuzz/lsan.supp.
SAN_DIR  := $(CURDIR)/$(BUILD)/sanitizer
export ASAN_OPTIONS := log_path=$(SAN_DIR)/report:detect_leaks=1:$(ASAN_OPTIONS)
export UBSAN_OPTIONS := log_path=$(SAN_DIR)/report:print_stacktrace=1:$(UBSAN_OPTIONS)
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/fuzz/lsan.supp:$(LSAN_OPTIONS)
SAN_START := rm -rf $(SAN_DIR) && mkdir -p $(SAN_DIR) && chmod 1777 $(SAN_DIR)
SAN_DIRS  := mkdir -p $(SAN_DIR) && chmod 1777 $(SAN_DIR)
# Prints and removes every report (a second run starts clean), and fails.
SAN_CHECK := if [ -n "$$(ls -A $(SAN_DIR))" ]; then \
	  for r in $(SAN_DIR)/*; do echo "== sanitizer report $$r"; cat "$$r"; rm -f "$$r"; done; \
	  echo "pfhttpd: the sanitizer reports above fail this run"; fail=1; fi
else
SAN_START := :
SAN_DIRS  := :
SAN_CHECK := :
endif
# COV=1 (make coverage): gcov instrumentation, -O0 so lines map to code, in
# build/cov. PFHTTPD_COVERAGE lets processes that leave through _exit() flush
# their counters first (src/cov.h); nothing else changes.
ifeq ($(COV),1)
CFLAGS   += -O0 --coverage -DPFHTTPD_COVERAGE
LDFLAGS  += --coverage
BUILD    := build/cov
endif

# Debian packages the build, the tests and `make run` need (man-db and
# groff-base: man-check).
# media-types: /etc/mime.types, which `mime_types` names by default.
# fiu-utils and libfiu-dev: check_faults runs the server under libfiu's
# fault-injection preload libraries and builds its own (fiu_extra.so).
# libcrypt-dev: crypt(3) from libxcrypt, for Basic auth (bcrypt, SHA-512-crypt, yescrypt).
# python3: check_autoindex_http parses a ?format=json listing with its json module.
DEB_PKGS := gcc make pkg-config libconfig-dev check php-cgi man-db groff-base media-types \
	    fiu-utils libfiu-dev libcrypt-dev python3
# The end-to-end browser test's; if they cannot be installed, that test says SKIP.
BROWSER_PKGS := chromium chromium-driver
# install-check's: systemd-analyze verify of the unit, logrotate -d; SKIP without them.
SERVICE_PKGS := systemd logrotate
# check_haproxy's: HAProxy in front of two instances (PROXY protocol v2); SKIP without it.
HAPROXY_PKGS := haproxy
# check_logformat's: goaccess reads the access log (no invalid line); SKIP without it.
GOACCESS_PKGS := goaccess
# make fuzz's: libFuzzer and the sanitizer runtimes come with Debian's clang.
FUZZ_PKGS := clang-14 libclang-rt-14-dev
# make valgrind's.
VALGRIND_PKGS := valgrind
# make bench's: wrk drives the load; nginx, apache2 (its prefork MPM and
# mod_cgi) and lighttpd are the peers, fcgiwrap gives nginx its CGI rows;
# php-cgi runs contact_form.php; gnuplot-nox draws the chart; curl checks
# the answers; python3 writes the table. Installing them starts no service
# here, and bench.sh never uses one: it runs its own servers.
BENCH_PKGS := wrk nginx apache2 lighttpd fcgiwrap php-cgi gnuplot-nox curl python3

SRCS     := $(wildcard src/*.c)
# pfhttpd-suexec is its own small program: its main and its checks only.
SUEXEC_OBJS := $(BUILD)/obj/suexec_main.o $(BUILD)/obj/suexec_check.o
OBJS     := $(filter-out $(BUILD)/obj/suexec_main.o,$(SRCS:src/%.c=$(BUILD)/obj/%.o))
LIBOBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/check_*.c))
INTEG    := $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(wildcard tests/integration/check_*.c))
HARNESS  := $(BUILD)/obj/harness.o
FIU_EXTRA := $(BUILD)/tests/fiu_extra.so

# make fuzz: tests/fuzz/fuzz_NAME.c is a libFuzzer harness for one pure
# module; src/ is built again with clang's coverage and ASan + UBSan into
# build/fuzz/ (whatever SAN says). tests/fuzz/run.sh runs each one.
FUZZ_CC      := clang-14
FUZZ_SECONDS ?= 20
FUZZ_DIR     := build/fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_OBJS    := $(filter-out $(FUZZ_DIR)/obj/main.o $(FUZZ_DIR)/obj/suexec_main.o,$(SRCS:src/%.c=$(FUZZ_DIR)/obj/%.o))
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all \
                $(filter-out -O% -g -fsanitize=% -fno-sanitize-recover=% -fno-omit-frame-pointer,$(CFLAGS))

# make valgrind: build/pfhttpd (not SAN: ASan and memcheck exclude each
# other) under memcheck, one log per process in build/valgrind/PID.log;
# forked workers and the keeper are followed, CGI scripts are not.
# Suites: check_http, check_cgi, check_security and check_site, the ones
# that exercise request handling. The others find the workers and the keeper
# by their process titles, which a process under valgrind does not show
# (the title is written into the guest's argv, not the kernel's), so they
# cannot run under it. Memcheck is 20-50 times slower: the harness's waits
# (PFHTTPD_TIMEOUT_SCALE) and Check's case timeouts (CK_TIMEOUT_MULTIPLIER)
# are stretched 10 times. Even so a few tests fail under it (a CGI timeout
# of a few seconds, the pool checks that count workers by title): they are
# reported, but the logs decide: tests/valgrind_check.sh fails on any
# invalid access, use of uninitialised memory or definite leak.
# --run-libc-freeres=no: glibc's exit-time cleanup clears environ, which
# would turn proctitle's copy of the environment into a definite leak.
VALGRIND_SUITES := http cgi security site
VALGRIND_DIR := build/valgrind
VALGRIND := valgrind --tool=memcheck --trace-children=no --child-silent-after-fork=no \
            --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --show-leak-kinds=definite --run-libc-freeres=no --num-callers=30 --log-file=$(CURDIR)/$(VALGRIND_DIR)/%p.log

# make install. The files name the /usr/local paths; they are rewritten for
# another PREFIX on the way in.
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/pfhttpd
# systemd reads units from /usr/local/lib/systemd/system too (systemd.unit(5));
# /lib/systemd/system belongs to dpkg. With PREFIX=/usr this is /usr/lib/systemd/system.
UNITDIR  ?= $(PREFIX)/lib/systemd/system
# Fixed, whatever the PREFIX: pfhttpd's default -f is /etc/pfhttpd/pfhttpd.conf.
CONFDIR  := /etc/pfhttpd
LOGDIR   := /var/log/pfhttpd
INSTALL  ?= install
# pfhttpd-suexec (src/suexec_main.c): where it goes (PFHTTPD_SUEXEC above,
# the conf key suexec's default: a program only the server runs, kept out of
# sbin as Debian keeps Apache's in /usr/lib/apache2), the group that may run
# it (the server's user's; Debian ships Apache's suexec 4754 root:www-data),
# the PATH scripts get, and the lowest uid/gid it ever runs a script as,
# whatever cgi.min_uid says.
SUEXEC_DIR    := $(PREFIX)/lib/pfhttpd
SUEXEC_GROUP  ?= www-data
SUEXEC_PATH   ?= /usr/local/bin:/usr/bin:/bin
SUEXEC_MIN_ID ?= 100
CFLAGS   += -DPFHTTPD_SUEXEC_PATH='"$(SUEXEC_PATH)"' -DPFHTTPD_SUEXEC_MIN_ID=$(SUEXEC_MIN_ID)
SUBST    := sed -e 's|/usr/local/sbin/pfhttpd|$(SBINDIR)/pfhttpd|g' \
                -e 's|/usr/local/share/pfhttpd|$(DATADIR)|g' \
                -e 's|/usr/local/lib/pfhttpd|$(PREFIX)/lib/pfhttpd|g'
# Installing for real: DESTDIR empty and root. Then the system user for the
# keeper is created and the log directory given to group adm.
REAL     := [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ]

.PHONY: all run check unit integration deps browser-deps service-deps haproxy-deps goaccess-deps clean install uninstall man-check install-check fuzz valgrind bench
all: $(BUILD)/pfhttpd $(BUILD)/pfhttpd-suexec

# Installs only what is missing, and says what it installs. Uses sudo when not root.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "pfhttpd: installing missing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing $(2); \
	fi
endef

deps:
	$(call install_missing,$(DEB_PKGS))

browser-deps:
	$(call install_missing,$(BROWSER_PKGS),|| echo "pfhttpd: could not install$$missing; the browser test will be skipped")

service-deps:
	$(call install_missing,$(SERVICE_PKGS),|| echo "pfhttpd: could not install$$missing; those install checks will be skipped")

haproxy-deps:
	$(call install_missing,$(HAPROXY_PKGS),|| echo "pfhttpd: could not install$$missing; the haproxy test will be skipped")

goaccess-deps:
	$(call install_missing,$(GOACCESS_PKGS),|| echo "pfhttpd: could not install$$missing; the goaccess test will be skipped")

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) $$(pkg-config --cflags $(PKGS)) -c -o $@ $<

$(BUILD)/pfhttpd: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $$(pkg-config --libs $(PKGS))

$(BUILD)/pfhttpd-suexec: $(SUEXEC_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(HARNESS): tests/integration/harness.c tests/integration/harness.h | $(BUILD)/obj
	$(CC) $(CFLAGS) -Itests/integration $$(pkg-config --cflags check) -c -o $@ $<

$(BUILD)/tests/check_%: tests/unit/check_%.c $(wildcard tests/unit/unit*.h) $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $$(pkg-config --cflags check $(PKGS)) -o $@ $(filter-out %.h,$^) \
	  $(LDFLAGS) $$(pkg-config --libs check $(PKGS))

$(INTEG): $(BUILD)/tests/check_%: tests/integration/check_%.c tests/integration/harness.h $(HARNESS) | $(BUILD)/tests
	$(CC) $(CFLAGS) -Itests/integration $$(pkg-config --cflags check) -o $@ $(filter-out %.h %.so,$^) \
	  $(LDFLAGS) $$(pkg-config --libs check)

# check_faults preloads it into the server (next to the suite's binary),
# check_suexec into pfhttpd-suexec run by root;
# never instrumented: it is a test tool, not code under test.
$(FIU_EXTRA): tests/integration/fiu_extra.c | $(BUILD)/tests
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC -shared \
	  $$(pkg-config --cflags libfiu) -o $@ $< $$(pkg-config --libs libfiu) -ldl

$(BUILD)/tests/check_faults: $(FIU_EXTRA)
$(BUILD)/tests/check_suexec: $(FIU_EXTRA)

# As root, etc/pfhttpd-local.conf's user www-data runs the workers and CGI
# scripts (and the keeper runs as pfhttpd or nobody), so this checkout must
# be readable by www-data; as anyone else the server keeps that identity.
run: deps
	$(MAKE) all
	mkdir -p build/logs
	@echo "pfhttpd: serving $(CURDIR)/htdocs and cgi-bin/ at http://127.0.0.1:8080/"
	@echo "pfhttpd: logs in build/logs/access.log and build/logs/error.log (errors are also shown here)"
	@echo "pfhttpd: stop it with Ctrl-C, or from another terminal: $(BUILD)/pfhttpd -s stop -f etc/pfhttpd-local.conf"
	@if [ "$$(id -u)" -eq 0 ]; then \
	  echo "pfhttpd: started as root: workers and CGI scripts run as www-data"; \
	  runuser -u www-data -- test -r $(CURDIR)/htdocs/index.html -a -x $(CURDIR)/cgi-bin/printenv 2>/dev/null || \
	    echo "pfhttpd: warning: www-data cannot read $(CURDIR)/htdocs or run $(CURDIR)/cgi-bin/printenv; check the permissions of $(CURDIR) and its parents"; \
	fi
	$(BUILD)/pfhttpd -F -f etc/pfhttpd-local.conf

# Unit suites are CPU-bound: UNIT_JOBS (2, the cores CI has) at a time, the
# longest first (under SAN=1 check_conf alone takes 40 s).
UNIT_JOBS ?= 2
UNIT_FIRST := $(addprefix $(BUILD)/tests/,check_conf check_cgi_hdr check_proxy_proto check_http_parse check_http_cond)
UNIT_ORDER := $(filter $(UNIT_FIRST),$(UNIT)) $(filter-out $(UNIT_FIRST),$(UNIT))

unit: $(UNIT)
	@$(SAN_DIRS)
	@fail=0; sh tests/run_suites.sh $(UNIT_JOBS) $(UNIT_ORDER) || fail=1; \
	  $(SAN_CHECK); exit $$fail

# TEST_JOBS suites at a time (tests/run_suites.sh says why), the longest first.
TEST_JOBS ?= 3
INTEG_FIRST := $(addprefix $(BUILD)/tests/check_,limits cgi faults chaos pool startup http browser lifecycle)
INTEG_ORDER := $(filter $(INTEG_FIRST),$(INTEG)) $(filter-out $(INTEG_FIRST),$(INTEG))
integration: $(BUILD)/pfhttpd $(BUILD)/pfhttpd-suexec $(INTEG) $(FIU_EXTRA)
	@$(SAN_DIRS)
	@fail=0; PFHTTPD_BIN=$(BUILD)/pfhttpd PFHTTPD_SRC=$(CURDIR) \
	  sh tests/run_suites.sh $(TEST_JOBS) $(INTEG_ORDER) || fail=1; \
	  $(SAN_CHECK); exit $$fail

check: deps browser-deps service-deps haproxy-deps goaccess-deps
	@$(SAN_START)
	$(MAKE) all
	$(MAKE) man-check
	$(MAKE) install-check
	$(MAKE) unit
	$(MAKE) integration

# ---- make coverage -------------------------------------------------------
# Builds with COV=1 into build/cov, clears old counters, runs the unit and
# integration suites, then prints line and branch coverage of src/ per file
# and in total; HTML in build/cov/html. Server processes are forked children:
# each writes its counters when it exits (exit(), or __gcov_dump() before an
# _exit()); one killed by a signal writes nothing, so a test that SIGKILLs a
# worker loses only that worker's counts. The suites' status is this
# target's status, after the report.
# make coverage's Debian packages: gcov comes with gcc; lcov and genhtml summarise it.
COVERAGE_PKGS := lcov
COV_LCOV := lcov --quiet --rc lcov_branch_coverage=1
.PHONY: coverage coverage-build
coverage-build: $(BUILD)/pfhttpd $(UNIT) $(INTEG)
coverage:
	$(call install_missing,$(DEB_PKGS) $(COVERAGE_PKGS))
	$(MAKE) COV=1 coverage-build
	find build/cov -name '*.gcda' -delete
	@# Workers, the keeper and scripts that run as another user (www-data,
	@# nobody: the privilege tests) must be able to add their counters too.
	chmod 0777 build/cov/obj
	@status=0; umask 000; $(MAKE) --no-print-directory COV=1 unit integration || status=$$?; \
	$(COV_LCOV) --capture --directory build/cov/obj --output-file build/cov/all.info && \
	$(COV_LCOV) --extract build/cov/all.info '$(CURDIR)/src/*' --output-file build/cov/src.info && \
	lcov --rc lcov_branch_coverage=1 --list build/cov/src.info && \
	genhtml --quiet --branch-coverage --output-directory build/cov/html build/cov/src.info && \
	echo "pfhttpd: coverage of src/ (lines, branches):" && \
	lcov --rc lcov_branch_coverage=1 --summary build/cov/src.info 2>&1 | grep -E 'lines|branches' && \
	echo "pfhttpd: HTML report in build/cov/html/index.html" || status=1; \
	if [ $$status -ne 0 ]; then echo "pfhttpd: some suites failed (see above); coverage is of what ran"; fi; \
	exit $$status
# ---- end of make coverage -------------------------------------------------

# A crash, sanitizer report, leak or hang fails it and names the reproducer
# (build/fuzz/crashes/); new inputs go to build/fuzz/corpus/, never into
# tests/fuzz/corpus/. make fuzz FUZZ_SECONDS=300 for a longer run.
fuzz:
	$(call install_missing,$(FUZZ_PKGS))
	$(MAKE) $(FUZZ_BINS)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_DIR) $(FUZZ_NAMES)

$(FUZZ_DIR)/obj/%.o: src/%.c $(wildcard src/*.h) | $(FUZZ_DIR)/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	  $$(pkg-config --cflags $(PKGS)) -c -o $@ $<

$(FUZZ_DIR)/libpfhttpd.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libpfhttpd.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(FUZZ_DIR)/libpfhttpd.a $$(pkg-config --libs $(PKGS))

$(FUZZ_DIR)/obj:
	mkdir -p $@

valgrind:
ifeq ($(SAN),1)
	@echo "pfhttpd: make valgrind runs the plain build; ASan and memcheck exclude each other"; exit 1
endif
	$(call install_missing,$(VALGRIND_PKGS))
	$(MAKE) $(BUILD)/pfhttpd $(VALGRIND_SUITES:%=$(BUILD)/tests/check_%)
	rm -rf $(VALGRIND_DIR) && mkdir -p $(VALGRIND_DIR) && chmod 1777 $(VALGRIND_DIR)
	@for t in $(VALGRIND_SUITES); do echo "== $(BUILD)/tests/check_$$t under valgrind"; \
	  PFHTTPD_WRAP="$(VALGRIND)" PFHTTPD_TIMEOUT_SCALE=10 CK_TIMEOUT_MULTIPLIER=10 \
	  PFHTTPD_BIN=$(BUILD)/pfhttpd PFHTTPD_SRC=$(CURDIR) $(BUILD)/tests/check_$$t || \
	  echo "pfhttpd: check_$$t had failures under valgrind (see above); the logs decide"; done
	sh tests/valgrind_check.sh $(VALGRIND_DIR)

# bench/bench.sh says what it measures and how; QUICK=1 is one round of 3 s
# cells instead of three of 10 s. The plain build is measured (not SAN or COV).
QUICK ?= 0
bench:
	$(call install_missing,$(DEB_PKGS) $(BENCH_PKGS))
	$(MAKE) build/pfhttpd SAN= COV=
	QUICK=$(QUICK) bash bench/bench.sh

# man --warnings and groff -ww print nothing for either page.
man-check:
	sh tests/man_check.sh man/pfhttpd.8 man/pfhttpd.conf.5

# make install and uninstall into a temporary DESTDIR lay out, and take
# away, the expected files; the systemd unit and logrotate file are checked.
install-check: $(BUILD)/pfhttpd $(BUILD)/pfhttpd-suexec
	MAKE="$(MAKE)" sh tests/install_check.sh

install: $(BUILD)/pfhttpd $(BUILD)/pfhttpd-suexec
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(DATADIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR) \
	  $(DESTDIR)/etc/init.d $(DESTDIR)/etc/logrotate.d
	$(INSTALL) -m 0755 $(BUILD)/pfhttpd $(DESTDIR)$(SBINDIR)/pfhttpd
	@# Setuid root, run only by SUEXEC_GROUP (the server's user): 4750 root:GROUP.
	@# Without root (a staged, unprivileged install) it goes in 0750 and inert,
	@# and the command that finishes the job is printed.
	$(INSTALL) -d $(DESTDIR)$(SUEXEC_DIR)
	$(INSTALL) -m 0750 $(BUILD)/pfhttpd-suexec $(DESTDIR)$(SUEXEC_DIR)/pfhttpd-suexec
	@f=$(DESTDIR)$(SUEXEC_DIR)/pfhttpd-suexec; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "pfhttpd: not root: $$f is not setuid; as root: chown root:$(SUEXEC_GROUP) $$f && chmod 4750 $$f"; \
	elif ! getent group $(SUEXEC_GROUP) >/dev/null; then \
	  echo "pfhttpd: no group $(SUEXEC_GROUP): $$f is not setuid; make install SUEXEC_GROUP=<the server's group>"; \
	else \
	  echo "chown root:$(SUEXEC_GROUP) $$f && chmod 4750 $$f"; \
	  chown root:$(SUEXEC_GROUP) $$f && chmod 4750 $$f; \
	fi
	$(INSTALL) -m 0644 man/pfhttpd.8 $(DESTDIR)$(MANDIR)/man8/pfhttpd.8
	$(INSTALL) -m 0644 man/pfhttpd.conf.5 $(DESTDIR)$(MANDIR)/man5/pfhttpd.conf.5
	cp -R htdocs cgi-bin $(DESTDIR)$(DATADIR)/
	$(SUBST) etc/init.d/pfhttpd > $(DESTDIR)/etc/init.d/pfhttpd
	chmod 0755 $(DESTDIR)/etc/init.d/pfhttpd
	$(SUBST) etc/systemd/pfhttpd.service > $(DESTDIR)$(UNITDIR)/pfhttpd.service
	$(SUBST) etc/logrotate.d/pfhttpd > $(DESTDIR)/etc/logrotate.d/pfhttpd
	chmod 0644 $(DESTDIR)$(UNITDIR)/pfhttpd.service $(DESTDIR)/etc/logrotate.d/pfhttpd
	@# An existing configuration is the administrator's: never overwrite it.
	@conf=$(DESTDIR)$(CONFDIR)/pfhttpd.conf; \
	if [ -e $$conf ]; then \
	  $(SUBST) etc/pfhttpd.conf > $$conf.dist && chmod 0644 $$conf.dist && \
	  echo "pfhttpd: kept the existing $$conf; the new default is $$conf.dist"; \
	else \
	  echo "$(SUBST) etc/pfhttpd.conf > $$conf"; \
	  $(SUBST) etc/pfhttpd.conf > $$conf && chmod 0644 $$conf; \
	fi
	$(INSTALL) -d -m 0750 $(DESTDIR)$(LOGDIR)
	@if $(REAL); then \
	  if getent group adm >/dev/null; then chgrp adm $(LOGDIR); fi; \
	  if getent passwd pfhttpd >/dev/null; then :; \
	  elif command -v adduser >/dev/null; then \
	    echo "pfhttpd: creating the system user pfhttpd (the keeper process runs as it)"; \
	    adduser --system --group --no-create-home --home /nonexistent --quiet pfhttpd; \
	  else \
	    echo "pfhttpd: creating the system user pfhttpd (the keeper process runs as it)"; \
	    useradd --system --user-group --no-create-home --home-dir /nonexistent \
	      --shell /usr/sbin/nologin pfhttpd; \
	  fi; \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	  echo "pfhttpd: installed. Edit $(CONFDIR)/pfhttpd.conf, check it with: $(SBINDIR)/pfhttpd -t"; \
	  echo "pfhttpd: then, with systemd: systemctl enable --now pfhttpd"; \
	  echo "pfhttpd: or, with sysvinit:  update-rc.d pfhttpd defaults && service pfhttpd start"; \
	fi

# Like Debian's remove (not purge): the configuration, the logs and the
# pfhttpd user stay.
uninstall:
	@if $(REAL); then \
	  if [ -s /run/pfhttpd.pid ] && kill -0 "$$(cat /run/pfhttpd.pid)" 2>/dev/null; then \
	    echo "pfhttpd: a server is still running (pid $$(cat /run/pfhttpd.pid)); stop it: pfhttpd -s stop"; \
	  fi; \
	  if [ -d /run/systemd/system ]; then systemctl disable pfhttpd.service 2>/dev/null || true; fi; \
	  if command -v update-rc.d >/dev/null; then update-rc.d -f pfhttpd remove >/dev/null 2>&1 || true; fi; \
	fi
	rm -f $(DESTDIR)$(SBINDIR)/pfhttpd $(DESTDIR)$(SUEXEC_DIR)/pfhttpd-suexec $(DESTDIR)$(MANDIR)/man8/pfhttpd.8 \
	  $(DESTDIR)$(MANDIR)/man5/pfhttpd.conf.5 $(DESTDIR)/etc/init.d/pfhttpd \
	  $(DESTDIR)$(UNITDIR)/pfhttpd.service $(DESTDIR)/etc/logrotate.d/pfhttpd \
	  $(DESTDIR)$(CONFDIR)/pfhttpd.conf.dist
	@# Only the files of the example site, not what was added next to them.
	for d in htdocs cgi-bin; do \
	  (cd $$d && find . ! -type d) | while read -r f; do rm -f "$(DESTDIR)$(DATADIR)/$$d/$$f"; done; \
	done
	if [ -d $(DESTDIR)$(DATADIR) ]; then find $(DESTDIR)$(DATADIR) -depth -type d -empty -delete; fi
	if [ -d $(DESTDIR)$(SUEXEC_DIR) ]; then rmdir --ignore-fail-on-non-empty $(DESTDIR)$(SUEXEC_DIR); fi
	@if $(REAL) && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "pfhttpd: kept $(DESTDIR)$(CONFDIR), $(DESTDIR)$(LOGDIR) and the pfhttpd user"

clean:
	rm -rf build
