# make            build snc (release)
# make install    install snc, its man page and bash/zsh/fish completions under PREFIX (default /usr/local)
# make dist       out/snc-VERSION-linux-ARCH.tar.gz: Swift runtime linked in, runs where Swift is not installed
# make deb        out/snc_VERSION_ARCH.deb, for `apt-get install ./out/snc_*.deb`
# make test       the whole test suite (installs what it needs)
# make demo       the lab on loopback: serve, load sweep, IO graph
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
SNC = .build/release/snc

.PHONY: all build install uninstall dist deb test demo

all: build

build:
	swift build -c release

install: build
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(SNC) $(BINDIR)/snc
	install -m 644 Manpages/snc.1 $(MANDIR)/snc.1
	$(SNC) --generate-completion-script bash > $(BASHDIR)/snc
	$(SNC) --generate-completion-script zsh > $(ZSHDIR)/_snc
	$(SNC) --generate-completion-script fish > $(FISHDIR)/snc.fish

uninstall:
	rm -f $(BINDIR)/snc $(MANDIR)/snc.1 $(BASHDIR)/snc $(ZSHDIR)/_snc $(FISHDIR)/snc.fish

dist:
	bash scripts/package.sh dist

deb:
	bash scripts/package.sh deb

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh
