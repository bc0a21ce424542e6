# pfhttpd — pre-fork HTTP/1.1 server with CGI/1.1.
#
#   make          build build/pfhttpd
#   make run      install missing Debian packages, build, serve htdocs/ and cgi-bin/ on :8080
#   make check    install missing Debian packages, build, run every unit and integration test
#   make SAN=1 …  the same with AddressSanitizer + UBSan

VERSION  := 0.1.0
ifeq ($(origin CC),default)
CC       := gcc
endif
BUILD    := build
PKGS     := libconfig
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
            -Wstrict-prototypes -Wmissing-prototypes -D_GNU_SOURCE \
            -DPFHTTPD_VERSION='"$(VERSION)"' -Isrc
ifeq ($(SAN),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/san
endif

# Debian packages the build, the tests and `make run` need.
DEB_PKGS := gcc make pkg-config libconfig-dev check php-cgi
# The end-to-end browser test's; if they cannot be installed, that test says SKIP.
BROWSER_PKGS := chromium chromium-driver

SRCS     := $(wildcard src/*.c)
OBJS     := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIBOBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/check_*.c))
INTEG    := $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(wildcard tests/integration/check_*.c))
HARNESS  := $(BUILD)/obj/harness.o

.PHONY: all run check unit integration deps browser-deps clean
all: $(BUILD)/pfhttpd

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

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) $$(pkg-config --cflags $(PKGS)) -c -o $@ $<

$(BUILD)/pfhttpd: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $$(pkg-config --libs $(PKGS))

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(HARNESS): tests/integration/harness.c tests/integration/harness.h | $(BUILD)/obj
	$(CC) $(CFLAGS) -Itests/integration $$(pkg-config --cflags check) -c -o $@ $<

$(BUILD)/tests/check_%: tests/unit/check_%.c tests/unit/unit.h $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $$(pkg-config --cflags check $(PKGS)) -o $@ $(filter-out %.h,$^) \
	  $(LDFLAGS) $$(pkg-config --libs check $(PKGS))

$(INTEG): $(BUILD)/tests/check_%: tests/integration/check_%.c tests/integration/harness.h $(HARNESS) | $(BUILD)/tests
	$(CC) $(CFLAGS) -Itests/integration $$(pkg-config --cflags check) -o $@ $(filter-out %.h,$^) \
	  $(LDFLAGS) $$(pkg-config --libs check)

run: deps
	$(MAKE) all
	mkdir -p build/logs
	$(BUILD)/pfhttpd -F -f etc/pfhttpd-local.conf

unit: $(UNIT)
	@fail=0; for t in $(UNIT); do echo "== $$t"; $$t || fail=1; done; exit $$fail

integration: $(BUILD)/pfhttpd $(INTEG)
	@fail=0; for t in $(INTEG); do echo "== $$t"; \
	  PFHTTPD_BIN=$(BUILD)/pfhttpd PFHTTPD_SRC=$(CURDIR) $$t || fail=1; done; exit $$fail

check: deps browser-deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) integration

clean:
	rm -rf build
