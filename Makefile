# make            build snc (release)
# make install    install snc and its man page under PREFIX (default /usr/local)
# make test       the whole test suite (installs what it needs)
# make demo       the lab on loopback: serve, load sweep, IO graph
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1

.PHONY: all build install uninstall test demo

all: build

build:
	swift build -c release

install: build
	install -d $(BINDIR) $(MANDIR)
	install -m 755 .build/release/snc $(BINDIR)/snc
	install -m 644 Manpages/snc.1 $(MANDIR)/snc.1

uninstall:
	rm -f $(BINDIR)/snc $(MANDIR)/snc.1

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh
